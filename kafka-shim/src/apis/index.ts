/** Every API handler; importing a file registers it (see registry.ts). One line per API key. */
import './18_api_versions.js';
