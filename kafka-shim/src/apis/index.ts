/** Every API handler; importing a file registers it (see registry.ts). One line per API key. */
import './18_api_versions.js';
import './00_produce.js';
import './01_fetch.js';
import './02_list_offsets.js';
import './03_metadata.js';
import './19_create_topics.js';
import './20_delete_topics.js';
import './21_delete_records.js';
import './32_describe_configs.js';
import './33_alter_configs.js';
import './37_create_partitions.js';
import './44_incremental_alter_configs.js';
import './60_describe_cluster.js';
