#!/usr/bin/env bash
# Rolls out one overlay of deploy/k8s in order, the pre-deploy step that orders the migration
# before the new API pods (plain kubectl: no Helm or Argo CD hooks):
#
#   1. render the overlay once (kubectl kustomize), so both phases apply the same objects;
#   2. delete the previous release's migration Job (a Job's pod template cannot change);
#   3. apply the objects labelled tasklane.io/rollout-phase=pre: namespace, ConfigMap, service
#      account, network policies and the migration Job;
#   4. wait until the Job has completed; if it failed, print its logs and stop here, leaving the
#      running API untouched;
#   5. apply the objects labelled tasklane.io/rollout-phase=main (Deployments, Service, Ingress,
#      HPA, PDB, ServiceMonitor) and wait for the API's rollout, then the job workers'.
#
# Usage: deploy/k8s/rollout.sh <overlay>       (dev, prod, prod-monitoring)
# Environment: KUBECTL (default kubectl), MIGRATE_TIMEOUT_S (default 900, the Job's
# activeDeadlineSeconds), ROLLOUT_TIMEOUT (default 15m). The Secret tasklane-api-secrets must exist
# (production) or come with the overlay (dev). deploy/k8s/manifests.spec.ts runs this script against
# a stand-in kubectl to check the order.
set -euo pipefail

overlay=${1:?usage: $0 <overlay> (dev, prod, prod-monitoring)}
dir="$(cd "$(dirname "$0")" && pwd)/overlays/$overlay"
[ -f "$dir/kustomization.yaml" ] || { echo "rollout: no overlay at $dir" >&2; exit 2; }
kubectl=${KUBECTL:-kubectl}
migrate_timeout=${MIGRATE_TIMEOUT_S:-900}
job=tasklane-migrate

manifest=$(mktemp)
trap 'rm -f "$manifest"' EXIT
"$kubectl" kustomize "$dir" > "$manifest"

# The overlay's namespace: the name of its Namespace object (kustomize writes `kind` before
# `metadata`, and `metadata.name` at two spaces of indentation).
ns=$(awk '/^kind: Namespace$/ { found = 1 } found && /^  name: / { print $2; exit }' "$manifest")
[ -n "$ns" ] || { echo "rollout: the overlay renders no Namespace" >&2; exit 2; }

echo "rollout: $overlay → namespace $ns: migration"
"$kubectl" delete job "$job" --namespace "$ns" --ignore-not-found --wait=true
"$kubectl" apply -f "$manifest" --selector tasklane.io/rollout-phase=pre

# Wait for Complete or Failed (kubectl wait takes one condition only).
deadline=$((SECONDS + migrate_timeout))
while :; do
  conditions=$("$kubectl" get job "$job" --namespace "$ns" -o 'jsonpath={range .status.conditions[?(@.status=="True")]}{.type} {end}')
  case " $conditions " in
    *" Complete "*) break ;;
    *" Failed "*)
      echo "rollout: migration Job failed; the API was not touched. Its logs:" >&2
      "$kubectl" logs "job/$job" --namespace "$ns" --all-containers --tail=200 >&2 || true
      exit 1 ;;
  esac
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "rollout: migration Job not complete after ${migrate_timeout}s; the API was not touched" >&2
    exit 1
  fi
  sleep "${ROLLOUT_POLL_S:-5}"
done

echo "rollout: migration complete: API"
"$kubectl" apply -f "$manifest" --selector tasklane.io/rollout-phase=main
"$kubectl" rollout status deployment/tasklane-api --namespace "$ns" --timeout "${ROLLOUT_TIMEOUT:-15m}"
"$kubectl" rollout status deployment/tasklane-worker --namespace "$ns" --timeout "${ROLLOUT_TIMEOUT:-15m}"
