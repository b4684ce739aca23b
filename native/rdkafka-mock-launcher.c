/*
 * Starts librdkafka's mock cluster (rd_kafka_mock_cluster_new) as a standalone process, so tests and the benchmark
 * can use it as a second, independent Kafka implementation over TCP.
 *
 *   rdkafka-mock-launcher <brokers> [topic:partitions[:replication]]...
 *
 * Prints the bootstrap address ("127.0.0.1:p1,127.0.0.1:p2,...") on one line of stdout once the listeners are up,
 * then stays up until stdin closes or SIGTERM/SIGINT arrives. Exit codes: 0 normal stop, 2 usage, 1 startup failure.
 *
 * While up, it reads commands from stdin, one per line, and answers each with one line ("ok" or "error <reason>"):
 *   topic <name>:<partitions>[:<replication>]     creates a topic (the mock has no CreateTopics API)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static volatile sig_atomic_t stop_requested = 0;

static void on_stop_signal(int signo) {
  (void)signo;
  stop_requested = 1;
}

static int parse_positive(const char *text, int *out) {
  char *end = NULL;
  long value = strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < 1 || value > 1000) return -1;
  *out = (int)value;
  return 0;
}

/* "name:partitions[:replication]" -> creates the topic; returns 0 on success, the reason on stderr otherwise. */
static int create_topic(rd_kafka_mock_cluster_t *cluster, const char *spec, int brokers) {
  char name[512];
  int partitions = 1;
  int replication = 1;
  const char *colon = strchr(spec, ':');
  size_t name_len = colon ? (size_t)(colon - spec) : strlen(spec);
  if (name_len == 0 || name_len >= sizeof(name)) return -1;
  memcpy(name, spec, name_len);
  name[name_len] = '\0';
  if (colon) {
    char rest[64];
    const char *second = strchr(colon + 1, ':');
    size_t part_len = second ? (size_t)(second - colon - 1) : strlen(colon + 1);
    if (part_len == 0 || part_len >= sizeof(rest)) return -1;
    memcpy(rest, colon + 1, part_len);
    rest[part_len] = '\0';
    if (parse_positive(rest, &partitions) != 0) return -1;
    if (second && parse_positive(second + 1, &replication) != 0) return -1;
  }
  if (replication > brokers) return -1;
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster, name, partitions, replication);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    fprintf(stderr, "rdkafka-mock-launcher: cannot create topic %s: %s\n", name, rd_kafka_err2str(err));
    return -1;
  }
  return 0;
}

static void run_command(rd_kafka_mock_cluster_t *cluster, const char *command, int brokers) {
  if (strncmp(command, "topic ", 6) == 0) {
    if (create_topic(cluster, command + 6, brokers) == 0) printf("ok\n");
    else printf("error bad topic spec '%s'\n", command + 6);
  } else {
    printf("error unknown command '%s'\n", command);
  }
  fflush(stdout);
}

int main(int argc, char **argv) {
  int brokers = 0;
  if (argc < 2 || parse_positive(argv[1], &brokers) != 0 || brokers > 64) {
    fprintf(stderr, "usage: %s <brokers 1..64> [topic:partitions[:replication]]...\n", argv[0]);
    return 2;
  }

  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  /* The handle only hosts the mock cluster; keep its own logging quiet. */
  if (rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "rdkafka-mock-launcher: %s\n", errstr);
    return 1;
  }
  rd_kafka_t *handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!handle) {
    fprintf(stderr, "rdkafka-mock-launcher: rd_kafka_new failed: %s\n", errstr);
    return 1;
  }
  rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(handle, brokers);
  if (!cluster) {
    fprintf(stderr, "rdkafka-mock-launcher: rd_kafka_mock_cluster_new failed\n");
    rd_kafka_destroy(handle);
    return 1;
  }
  for (int i = 2; i < argc; i++) {
    if (create_topic(cluster, argv[i], brokers) != 0) {
      fprintf(stderr, "rdkafka-mock-launcher: bad topic spec '%s' (want name:partitions[:replication<=brokers])\n", argv[i]);
      rd_kafka_mock_cluster_destroy(cluster);
      rd_kafka_destroy(handle);
      return 2;
    }
  }

  /* No SA_RESTART: a signal interrupts the blocking read below so the loop can notice stop_requested. */
  struct sigaction action;
  memset(&action, 0, sizeof(action));
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGINT, &action, NULL);
  signal(SIGPIPE, SIG_IGN);

  printf("%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
  fflush(stdout);

  char line[1024];
  size_t used = 0;
  while (!stop_requested) {
    ssize_t n = read(STDIN_FILENO, line + used, sizeof(line) - 1 - used);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    used += (size_t)n;
    char *newline;
    while ((newline = memchr(line, '\n', used)) != NULL) {
      *newline = '\0';
      run_command(cluster, line, brokers);
      size_t consumed = (size_t)(newline - line) + 1;
      memmove(line, newline + 1, used - consumed);
      used -= consumed;
    }
    if (used == sizeof(line) - 1) {
      printf("error command line too long\n");
      fflush(stdout);
      used = 0;
    }
  }

  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(handle);
  return 0;
}
