#!/usr/bin/env bash
# The differential oracle: a real Apache Kafka broker (the version pinned in scripts/oracle/pom.xml,
# installed into .oracle/lib by scripts/setup/40-kafka-oracle.sh) beside Tandem, so the Kafka compat
# tests can prove each behaviour they assert on the real thing (scripts/test-oracle.sh).
#
#   scripts/oracle/kafka.sh start    format a throwaway KRaft dir, start, wait until ready, print the bootstrap
#   scripts/oracle/kafka.sh stop     SIGTERM (controlled shutdown), SIGKILL after 30 s
#   scripts/oracle/kafka.sh status   exit 0 and print the bootstrap when it answers
#
# One node, combined broker+controller, node.id=1 (Tandem's node id, so leader ids compare equal),
# loopback only. Ports: TANDEM_ORACLE_PORT (19092) and TANDEM_ORACLE_CONTROLLER_PORT (19093); start
# refuses ports something else already listens on. Files (config, logs, data) in .oracle/run, wiped
# at each start; stop prints the broker's peak RSS.
# TANDEM_ORACLE_RUN moves the run folder and TANDEM_ORACLE_JVM replaces the JVM flags (the bench's peer
# run, scripts/bench/peers/peers.ts, starts a second broker this way).
# Needs /usr/bin/java (17), kcat (scripts/setup/10-debian.sh) and the repo's node_modules (kafkajs).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LIB="$ROOT/.oracle/lib"
RUN="${TANDEM_ORACLE_RUN:-$ROOT/.oracle/run}"
PORT="${TANDEM_ORACLE_PORT:-19092}"
CPORT="${TANDEM_ORACLE_CONTROLLER_PORT:-19093}"
JAVA="${TANDEM_ORACLE_JAVA:-/usr/bin/java}"
BOOTSTRAP="127.0.0.1:$PORT"
PIDFILE="$RUN/kafka.pid"

# Something already accepts connections there (another engineer's broker, say).
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

alive() { [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

# Ready = a Metadata answer that lists broker 1 (the broker has registered with its controller).
answers() { /usr/bin/kcat -b "$BOOTSTRAP" -L -J -m 2 2>/dev/null | grep -q '"brokers":\[{"id":1,'; }

write_config() {
  cat >"$RUN/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://$BOOTSTRAP
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$RUN/data
# Changed from Kafka's defaults, and why:
# - internal topics default to replication factor 3 (min ISR 2), which one node cannot host.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# - a new group's first rebalance otherwise waits 3 s for more members: tests would only be slower.
group.initial.rebalance.delay.ms=0
# - the log cleaner looks for compacted logs to clean every 15 s when idle; 100 ms lets the
#   compaction tests see a clean in well under a second (Tandem's manual clock skips its 15 s).
log.cleaner.backoff.ms=100
# Everything else (auto.create.topics.enable, num.partitions, session timeouts...) is Kafka's default.
EOF
  # Kafka's log4j2 output goes to a file; only warnings, so the file stays readable after a run.
  cat >"$RUN/log4j2.properties" <<EOF
rootLogger.level=WARN
rootLogger.appenderRef.f.ref=f
appender.f.type=File
appender.f.name=f
appender.f.fileName=$RUN/server.log
appender.f.layout.type=PatternLayout
appender.f.layout.pattern=[%d] %p %m (%c)%n
EOF
}

start() {
  if alive; then echo "kafka oracle already running (pid $(cat "$PIDFILE")) at $BOOTSTRAP" >&2; exit 1; fi
  [[ -f "$LIB/.complete" ]] || { echo "missing $LIB: run scripts/setup/40-kafka-oracle.sh" >&2; exit 1; }
  # Readiness is judged by what answers on the port, so it must not be someone else's broker.
  for p in "$PORT" "$CPORT"; do
    if in_use "$p"; then echo "port $p is in use: set TANDEM_ORACLE_PORT / TANDEM_ORACLE_CONTROLLER_PORT" >&2; exit 1; fi
  done
  rm -rf "$RUN"
  mkdir -p "$RUN"
  write_config
  local cp="$LIB/*"
  # A small, short-lived test broker on a shared 2-core machine: serial GC and the quick C1 compiler
  # only (it started in ~10 s instead of ~15, and used less memory, with the oracle pass no slower).
  local jvm=(-Xmx512m -Xms256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true "-Dlog4j2.configurationFile=$RUN/log4j2.properties")
  # The bench's peer run (scripts/bench/peers) measures the broker as kafka-server-start.sh runs it
  # (1 GiB heap, G1, full JIT): TANDEM_ORACLE_JVM replaces the flags above.
  if [[ -n "${TANDEM_ORACLE_JVM:-}" ]]; then read -ra jvm <<<"$TANDEM_ORACLE_JVM"; jvm+=("-Dlog4j2.configurationFile=$RUN/log4j2.properties"); fi
  local t0=$SECONDS
  "$JAVA" "${jvm[@]}" -cp "$cp" kafka.tools.StorageTool format "--cluster-id=$(uuid_for_run)" -c "$RUN/server.properties" >"$RUN/format.log" 2>&1 ||
    { cat "$RUN/format.log" >&2; exit 1; }
  local t1=$SECONDS
  # setsid: the broker leads its own process group, so a stop never reaches the caller's.
  setsid "$JAVA" "${jvm[@]}" -cp "$cp" kafka.Kafka "$RUN/server.properties" >"$RUN/stdout.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  until answers; do
    if ! alive; then echo "kafka oracle exited while starting:" >&2; tail -30 "$RUN/stdout.log" "$RUN/server.log" >&2 2>/dev/null; exit 1; fi
    if ((SECONDS - t0 > 90)); then echo "kafka oracle not ready in 90 s" >&2; stop; exit 1; fi
    sleep 0.2
  done
  local t2=$SECONDS
  warm_groups || { echo "kafka oracle: the group coordinator did not come up" >&2; stop; exit 1; }
  echo "kafka oracle ready in $((SECONDS - t0)) s (format $((t1 - t0)) s, broker $((t2 - t1)) s, group coordinators $((SECONDS - t2)) s; pid $(cat "$PIDFILE"))" >&2
  echo "$BOOTSTRAP"
}

# Kafka creates __consumer_offsets (50 partitions, each its own coordinator) on the first
# FindCoordinator and answers COORDINATOR_NOT_AVAILABLE or _LOAD_IN_PROGRESS until the partition of
# a group is loaded: clients retry, but a test's first raw FindCoordinator would see it. So "ready"
# also means every coordinator answers: kafkajs (from the repo's node_modules, retrying until it
# does) describes one group per partition, picked as Kafka does: Utils.abs(id.hashCode()) % 50.
warm_groups() {
  (cd "$ROOT" && node -e '
    const { Kafka, logLevel } = require("kafkajs");
    const hash = (s) => { let h = 0; for (const c of s) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0; return h === -2147483648 ? 0 : Math.abs(h); };
    const byPartition = new Map();
    for (let i = 0; byPartition.size < 50; i++) if (!byPartition.has(hash("oracle-warmup-" + i) % 50)) byPartition.set(hash("oracle-warmup-" + i) % 50, "oracle-warmup-" + i);
    const admin = new Kafka({ brokers: [process.argv[1]], logLevel: logLevel.NOTHING, retry: { retries: 30, maxRetryTime: 1000 } }).admin();
    admin.connect().then(() => admin.describeGroups([...byPartition.values()])).then(() => admin.disconnect()).catch((e) => { console.error(e.message); process.exit(1); });
  ' "$BOOTSTRAP")
}

# KRaft wants a cluster id of 16 random bytes in URL-safe base64 without padding.
uuid_for_run() { head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }

stop() {
  alive || { rm -f "$PIDFILE"; return 0; }
  local pid
  pid="$(cat "$PIDFILE")"
  echo "kafka oracle peak RSS: $(awk '/VmHWM/ {print $2, $3}' "/proc/$pid/status" 2>/dev/null)" >&2
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "kafka oracle did not stop in 30 s: SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if alive && answers; then echo "$BOOTSTRAP"; else exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
