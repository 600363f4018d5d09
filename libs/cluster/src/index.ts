export { READY_TIMEOUT_MS, startCluster, type Cluster, type ClusterOptions, type ReplicaHandle } from './cluster.js';
export { nginxConfig, type NginxConfigOptions } from './nginx-config.js';
export { findFreePort, findFreePorts } from './ports.js';
export { waitForHttp, type WaitForHttpOptions } from './wait-for-http.js';
