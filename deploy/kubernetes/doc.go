// Package kubernetes tests the manifests shipped beside it: the probe as
// a CronJob and as an Indexed Job, decoded strictly into the Kubernetes
// API types.
package kubernetes
