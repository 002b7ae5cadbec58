package io.slotferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every manifest of deploy/kubernetes parsed into typed Kubernetes objects (fabric8 kubernetes-model, unknown
 * fields refused), and the wiring between them checked: the shard from the pod ordinal and the replica count,
 * passwords only from the Secret, the config from the ConfigMap (and valid for 'migrate run'), the state volume
 * claim, the probes and the metrics port.
 */
class KubernetesManifestsTest {
    private static final Path DIR = Path.of(System.getProperty("user.dir")).getParent().resolve("deploy/kubernetes");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private static <T> T read(String file, Class<T> type) throws IOException {
        return YAML.readValue(DIR.resolve(file).toFile(), type);
    }

    private static Map<String, EnvVar> env(Container c) {
        return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    private static void passwordsFromTheSecret(Container c, Secret secret) {
        Map<String, EnvVar> env = env(c);
        for (String v : List.of("MIGRATE_TARGET_PASSWORD", "MIGRATE_SOURCE_PASSWORD")) {
            EnvVar e = env.get(v);
            assertNotNull(e, v);
            assertEquals(null, e.getValue(), v + " is never a literal");
            assertEquals(secret.getMetadata().getName(), e.getValueFrom().getSecretKeyRef().getName());
            assertTrue(secret.getStringData().containsKey(e.getValueFrom().getSecretKeyRef().getKey()), v);
        }
        assertTrue(c.getArgs().stream().noneMatch(a -> a.toLowerCase().contains("password")), "no password in args: " + c.getArgs());
    }

    private static void configAndCaMounted(PodSpec pod, Container c, ConfigMap config) {
        Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
        Map<String, VolumeMount> mounts = c.getVolumeMounts().stream().collect(Collectors.toMap(VolumeMount::getName, m -> m));
        assertEquals(config.getMetadata().getName(), volumes.get("config").getConfigMap().getName());
        assertEquals("/etc/slotferry", mounts.get("config").getMountPath());
        int i = c.getArgs().indexOf("--config");
        assertEquals("/etc/slotferry/run.yaml", c.getArgs().get(i + 1));
        assertEquals("slotferry-ca", volumes.get("ca").getConfigMap().getName());
        assertTrue(config.getData().get("run.yaml").contains("target-cacert: " + mounts.get("ca").getMountPath() + "/"),
                "the CA file named in run.yaml is where the ca volume is mounted");
    }

    @Test
    void everyManifestParsesAsItsKubernetesKind() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            List<Path> manifests = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            assertEquals(5, manifests.size(), manifests.toString());
            for (Path f : manifests) {
                String kind = YAML.readTree(f.toFile()).get("kind").asText();
                Class<?> type = switch (kind) {
                    case "StatefulSet" -> StatefulSet.class;
                    case "Job" -> Job.class;
                    case "ConfigMap" -> ConfigMap.class;
                    case "Secret" -> Secret.class;
                    case "Service" -> Service.class;
                    default -> throw new AssertionError(f + ": unexpected kind " + kind);
                };
                assertNotNull(YAML.readValue(f.toFile(), type), f.toString());
            }
        }
    }

    @Test
    void theStatefulSetRunsOneShardPerPodWithItsOwnStateVolumeSecretsFromEnvAndProbesOnReadyAndLive() throws IOException {
        StatefulSet sts = read("statefulset.yaml", StatefulSet.class);
        Secret secret = read("secret.yaml", Secret.class);
        ConfigMap config = read("configmap.yaml", ConfigMap.class);
        Service service = read("service.yaml", Service.class);
        PodSpec pod = sts.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);

        assertEquals(List.of("run", "--config", "/etc/slotferry/run.yaml", "--shard", "$(POD_INDEX)/$(SHARDS)"), c.getArgs());
        Map<String, EnvVar> env = env(c);
        assertEquals("metadata.labels['apps.kubernetes.io/pod-index']", env.get("POD_INDEX").getValueFrom().getFieldRef().getFieldPath());
        assertEquals(Integer.toString(sts.getSpec().getReplicas()), env.get("SHARDS").getValue(), "one shard per replica");
        assertEquals("Parallel", sts.getSpec().getPodManagementPolicy(), "pods are not Ready until cutover: start them all");
        passwordsFromTheSecret(c, secret);
        configAndCaMounted(pod, c, config);

        String stateClaim = sts.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName();
        VolumeMount state = c.getVolumeMounts().stream().filter(m -> m.getName().equals(stateClaim)).findFirst().orElseThrow();
        String runYaml = config.getData().get("run.yaml");
        assertTrue(runYaml.contains("state-dir: " + state.getMountPath() + "/"), "the state dir is on the claimed volume: " + runYaml);
        assertTrue(runYaml.contains("source: twemproxy:/etc/slotferry/nutcracker.yml") && config.getData().containsKey("nutcracker.yml"));
        assertTrue(runYaml.contains("metrics-bind: 0.0.0.0"), "probes and Prometheus reach the pod's address");

        int port = c.getPorts().get(0).getContainerPort();
        assertEquals("metrics", c.getPorts().get(0).getName());
        assertTrue(runYaml.contains("metrics-port: " + port), runYaml);
        assertEquals("/ready", c.getReadinessProbe().getHttpGet().getPath());
        assertEquals("metrics", c.getReadinessProbe().getHttpGet().getPort().getStrVal());
        assertEquals("/live", c.getLivenessProbe().getHttpGet().getPath());
        Map<String, String> annotations = sts.getSpec().getTemplate().getMetadata().getAnnotations();
        assertEquals("true", annotations.get("prometheus.io/scrape"));
        assertEquals(Integer.toString(port), annotations.get("prometheus.io/port"));
        assertEquals("/metrics", annotations.get("prometheus.io/path"));
        assertEquals(sts.getSpec().getServiceName(), service.getMetadata().getName());
        assertEquals("None", service.getSpec().getClusterIP());

        assertEquals(10001L, pod.getSecurityContext().getRunAsUser());
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertNotNull(c.getResources().getRequests().get("memory"));
        assertNotNull(c.getResources().getLimits().get("memory"));
        assertTrue(env.get("JAVA_OPTS").getValue().contains("-Xmx384m"));
    }

    @Test
    void theConfigMapsRunYamlIsAValidConfigForRunAndVerifyAndHoldsNoSecret(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        ConfigMap config = read("configmap.yaml", ConfigMap.class);
        Path runYaml = tmp.resolve("run.yaml");
        Files.writeString(runYaml, config.getData().get("run.yaml"));
        CommandLine run = Migrate.commandLine();
        run.parseArgs(ConfigFile.install(run, new String[] {"--config", runYaml.toString(), "run", "--shard", "0/4"}));
        RunCommand r = run.getSubcommands().get("run").getCommand();
        assertEquals(List.of("twemproxy:/etc/slotferry/nutcracker.yml"), r.fleetOptions.sources);
        assertEquals(9187, r.metricsPort);
        assertEquals(Path.of("/var/lib/slotferry/state"), r.stateDir);
        CommandLine verify = Migrate.commandLine();
        verify.parseArgs(ConfigFile.install(verify, new String[] {"--config", runYaml.toString(), "verify"}));
        assertFalse(config.getData().get("run.yaml").toLowerCase().contains("password"));
    }

    @Test
    void theVerifyJobReadsTheSameConfigAndSecretsAndRunsOnce() throws IOException {
        Job job = read("verify-job.yaml", Job.class);
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        assertEquals("verify", c.getArgs().get(0));
        assertEquals("Never", pod.getRestartPolicy());
        assertEquals(0, job.getSpec().getBackoffLimit());
        passwordsFromTheSecret(c, read("secret.yaml", Secret.class));
        configAndCaMounted(pod, c, read("configmap.yaml", ConfigMap.class));
    }
}
