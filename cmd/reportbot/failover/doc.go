// Package failover holds the test of reportbot serve as it is deployed for
// scale: separate serve processes in webhook mode on a real Redis Cluster,
// one of them killed with SIGKILL mid-burst, then a master of the cluster.
package failover
