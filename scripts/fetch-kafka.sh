#!/usr/bin/env bash
# Fetches the Apache Kafka releases the real-broker test fixtures run (test/fixtures/real-kafka.ts): for each pom in
# test/fixtures/kafka-jars, kafka_2.13 and its runtime dependencies from Maven Central into
# .build/kafka/<version>/libs. Maven's local repository (~/.m2) is reused, and a complete copy is kept as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v mvn >/dev/null 2>&1 || { echo "fetch-kafka: mvn is not on PATH (Debian: apt-get install maven)" >&2; exit 1; }

for pom in test/fixtures/kafka-jars/*.pom.xml; do
  version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom")"
  [[ -n "$version" ]] || { echo "fetch-kafka: no <kafka.version> in $pom" >&2; exit 1; }
  dest=".build/kafka/$version/libs"
  if [[ -f "$dest/.complete" ]]; then
    echo "fetch-kafka: Apache Kafka $version already in $dest"
    continue
  fi
  echo "fetch-kafka: Apache Kafka $version -> $dest"
  rm -rf "$dest"
  mkdir -p "$dest"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$PWD/$dest"
  # Written last: a fetch cut short is not mistaken for a complete one.
  ls "$dest" | grep -q "^kafka_2.13-$version.jar$" || { echo "fetch-kafka: kafka_2.13-$version.jar missing in $dest" >&2; exit 1; }
  touch "$dest/.complete"
done
