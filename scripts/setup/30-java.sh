#!/usr/bin/env bash
# Builds the Java client matrix (compat-tests/java): Maven resolves the pinned clients into ~/.m2
# once and writes each module's jar plus target/classpath.txt, which compat-tests/java/java.test.ts
# passes to `java -cp`. Skipped when the poms and sources are unchanged since the last build; a
# rebuild tries Maven offline first, so it needs the network only for new artifacts.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=compat-tests/java

if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless maven >/dev/null
fi

fingerprint() {
  { find "$dir" -path '*/target' -prune -o -type f \( -name pom.xml -o -path '*/src/*' \) -print0 \
      | sort -z | xargs -0 sha256sum; java -version 2>&1; } | sha256sum | cut -d' ' -f1
}
stamp="$dir/target/built"
want=$(fingerprint)
outputs=("$dir"/clients/target/{java-clients.jar,classpath.txt} "$dir"/spring/target/{java-spring.jar,classpath.txt})
up_to_date=1
for f in "${outputs[@]}"; do [[ -f $f ]] || up_to_date=0; done
# The classpath files name jars in ~/.m2: a cleaned local repository means a rebuild too.
if [[ $up_to_date == 1 ]]; then
  for m in clients spring; do
    while IFS= read -r jar; do [[ -z $jar || -f $jar ]] || { up_to_date=0; break; }; done \
      < <(tr ':' '\n' < "$dir/$m/target/classpath.txt"; echo)
  done
fi
[[ $up_to_date == 1 && -f $stamp && "$(cat "$stamp")" == "$want" ]] && exit 0

build() { mvn -B -q -f "$dir/pom.xml" "$@" package -DskipTests; }
build -o >/dev/null 2>&1 || build
mkdir -p "$dir/target"
echo "$want" > "$stamp"
