/* librdkafka's in-memory mock cluster as a standalone broker, the peer the Kafka bench compares
 * Tandem with. Usage: mock-cluster TOPIC:PARTITIONS... ; prints the bootstrap address, serves
 * until stdin closes (so it dies with the bench). Build: cc -O2 mock-cluster.c -lrdkafka */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  /* The mock needs an rd_kafka_t for its bookkeeping; a producer handle that never produces. */
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (!rk) { fprintf(stderr, "rd_kafka_new: %s\n", err); return 1; }
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, 1);
  if (!mc) { fprintf(stderr, "mock cluster failed\n"); return 1; }
  for (int i = 1; i < argc; i++) {
    char *colon = strrchr(argv[i], ':');
    int parts = colon ? atoi(colon + 1) : 1;
    if (colon) *colon = '\0';
    rd_kafka_mock_topic_create(mc, argv[i], parts, 1);
  }
  printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);
  while (getchar() != EOF) {}
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
