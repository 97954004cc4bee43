// Package alerts tests the Prometheus alerting rules shipped beside it
// (releasegate-probe.rules.yml): they parse with Prometheus's own rule
// parser, every metric they name is one `gate probe` emits, and they fire
// on what a probe of a broken registry exports.
package alerts
