# slotferry 'migrate' container image (docs/deploy.md).
#
#   docker build --build-arg SLOTFERRY_COMMIT="$(git describe --always --dirty --abbrev=12)" -t slotferry:0.1.0 .
#   podman build ... (the same)
#
# Two stages: Maven builds the release tarball (scripts/release.sh); a JRE image runs it as a non-root user.
# Both base images are build arguments, for registries that mirror them, or for images made locally
# (e.g. from Debian packages: a JDK 17 + Maven image and an openjdk-17-jre-headless image; docs/deploy.md).
ARG BUILD_IMAGE=docker.io/library/maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=docker.io/library/eclipse-temurin:17-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY . .
ARG SLOTFERRY_COMMIT=unknown
RUN mvn -B -q -DskipTests -Dslotferry.commit="${SLOTFERRY_COMMIT}" package -pl cli -am \
 && bash scripts/release.sh --jar cli/target/migrate.jar /out

FROM ${RUNTIME_IMAGE}
COPY --from=build /out/ /tmp/release/
RUN mkdir -p /opt/slotferry /var/lib/slotferry \
 && tar -xzf /tmp/release/slotferry-*.tar.gz -C /opt/slotferry --strip-components=1 \
 && rm -rf /tmp/release \
 && ln -s /opt/slotferry/bin/migrate /usr/local/bin/migrate \
 && chown 10001:10001 /var/lib/slotferry
# A numeric user, so Kubernetes' runAsNonRoot can check it without a passwd entry.
USER 10001:10001
WORKDIR /var/lib/slotferry
# The state directory (checkpoints, spooled stream): keep it on a volume, so a restarted container resumes
# by partial resync instead of a new snapshot.
VOLUME ["/var/lib/slotferry"]
ENV JAVA_OPTS="-Xmx384m -XX:+UseParallelGC -XX:TieredStopAtLevel=1"
# --metrics-port 9187 --metrics-bind 0.0.0.0: /metrics, /status, /ready, /live
EXPOSE 9187
ENTRYPOINT ["migrate"]
CMD ["--help"]
