package kubernetes_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// decode reads a manifest strictly: an unknown or misspelt field is an
// error, as `kubectl apply --validate=strict` would make it.
func decode(t *testing.T, file string) *batchv1.CronJob {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var cj batchv1.CronJob
	if err := yaml.UnmarshalStrict(data, &cj); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if cj.APIVersion != "batch/v1" || cj.Kind != "CronJob" {
		t.Fatalf("%s: %s %s, want batch/v1 CronJob", file, cj.APIVersion, cj.Kind)
	}
	return &cj
}

func manifests(t *testing.T) []string {
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) < 2 {
		t.Fatalf("manifests: %v %v", files, err)
	}
	return files
}

// flag returns the value of --name=value in args.
func flag(args []string, name string) (string, bool) {
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v, true
		}
	}
	return "", false
}

// interval reads a "*/N * * * *" schedule.
func interval(t *testing.T, schedule string) time.Duration {
	t.Helper()
	f := strings.Fields(schedule)
	n, err := strconv.Atoi(strings.TrimPrefix(f[0], "*/"))
	if len(f) != 5 || !strings.HasPrefix(f[0], "*/") || err != nil || slices.ContainsFunc(f[1:], func(s string) bool { return s != "*" }) {
		t.Fatalf("schedule %q: want */N * * * *", schedule)
	}
	return time.Duration(n) * time.Minute
}

// TestProbeCronJobs checks what the seeds' probe needs: every 15 minutes,
// never two at once, stopped before the next run, locked down, and
// credentials from a mounted Docker config Secret.
func TestProbeCronJobs(t *testing.T) {
	for _, file := range manifests(t) {
		t.Run(file, func(t *testing.T) {
			cj := decode(t, file)
			every := interval(t, cj.Spec.Schedule)
			if every != 15*time.Minute || cj.Spec.ConcurrencyPolicy != batchv1.ForbidConcurrent {
				t.Errorf("schedule %q, concurrency %q; want every 15 minutes, Forbid", cj.Spec.Schedule, cj.Spec.ConcurrencyPolicy)
			}
			job := cj.Spec.JobTemplate.Spec
			deadline := time.Duration(*job.ActiveDeadlineSeconds) * time.Second
			if deadline >= every {
				t.Errorf("activeDeadlineSeconds %s is not below the interval %s", deadline, every)
			}
			pod := job.Template.Spec
			if len(pod.Containers) != 1 {
				t.Fatalf("%d containers", len(pod.Containers))
			}
			c := pod.Containers[0]
			if !slices.Equal(c.Args[:2], []string{"gate", "probe"}) {
				t.Errorf("args %v do not run gate probe", c.Args)
			}
			timeout, _ := flag(c.Args, "timeout")
			if d, err := time.ParseDuration(timeout); err != nil || d >= deadline {
				t.Errorf("--timeout %q must be below activeDeadlineSeconds (%s): the probe pushes what it found before it is killed", timeout, deadline)
			}
			if _, ok := flag(c.Args, "push-gateway"); !ok {
				t.Error("no --push-gateway: the alerts would see nothing")
			}
			checkLockedDown(t, pod, c)
			checkCredentials(t, pod, c)
		})
	}
}

func checkLockedDown(t *testing.T, pod corev1.PodSpec, c corev1.Container) {
	t.Helper()
	sc, psc := c.SecurityContext, pod.SecurityContext
	if sc == nil || psc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Error("the root filesystem is not read-only")
	}
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser == 0 {
		t.Error("the pod may run as root")
	}
	if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
		t.Error("privilege escalation or capabilities are not dropped")
	}
	if pod.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("restartPolicy %q: a failed run is reported, not restarted in place", pod.RestartPolicy)
	}
}

// checkCredentials: DOCKER_CONFIG names the directory where a
// dockerconfigjson Secret is mounted read-only as config.json.
func checkCredentials(t *testing.T, pod corev1.PodSpec, c corev1.Container) {
	t.Helper()
	var dir string
	for _, e := range c.Env {
		if e.Name == "DOCKER_CONFIG" {
			dir = e.Value
		}
	}
	var mount *corev1.VolumeMount
	for i, m := range c.VolumeMounts {
		if m.MountPath == dir {
			mount = &c.VolumeMounts[i]
		}
	}
	if dir == "" || mount == nil || !mount.ReadOnly {
		t.Fatalf("DOCKER_CONFIG %q is not a read-only mount", dir)
	}
	for _, v := range pod.Volumes {
		if v.Name != mount.Name {
			continue
		}
		s := v.Secret
		if s == nil || len(s.Items) != 1 || s.Items[0].Key != corev1.DockerConfigJsonKey || s.Items[0].Path != "config.json" {
			t.Errorf("volume %s is not the Docker config Secret's %s as config.json: %+v", v.Name, corev1.DockerConfigJsonKey, v)
		}
		return
	}
	t.Errorf("no volume %s", mount.Name)
}

// TestShardedCronJobIsIndexed: the sharded probe runs N pods of an
// Indexed Job, each taking its share with --shard auto/N.
func TestShardedCronJobIsIndexed(t *testing.T) {
	job := decode(t, "cronjob-sharded.yaml").Spec.JobTemplate.Spec
	shard, _ := flag(job.Template.Spec.Containers[0].Args, "shard")
	n, err := strconv.Atoi(strings.TrimPrefix(shard, "auto/"))
	if job.CompletionMode == nil || *job.CompletionMode != batchv1.IndexedCompletion || err != nil || !strings.HasPrefix(shard, "auto/") {
		t.Fatalf("completionMode %v, --shard %q: want Indexed and auto/N", job.CompletionMode, shard)
	}
	if *job.Completions != int32(n) || *job.Parallelism != int32(n) {
		t.Errorf("completions %d, parallelism %d, --shard %s: all three must agree", *job.Completions, *job.Parallelism, shard)
	}
}
