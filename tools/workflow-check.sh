#!/usr/bin/env bash
# npm run test:workflows: proves that the README's everyday workflows leave a repository whose
# tests pass (issue 10). In a scratch clone of this checkout (its working tree as it is, committed
# there), it runs, committing after each step as a person would:
#   1. the README's promotion:  npm run promote -- --system kiteclass --from staging --to production
#   2. a tag bump:              npm run set-image -- --env production --service sample-app --tag <new> --render
#   3. a new service:           npm run new-service -- --name <new> --system kiteclass
#   4. a bump of its tag:       npm run set-image -- --env staging --service <new> --tag <new> --render
# then the tests that read their result (the affected projects' tests, the drift and coverage
# checks) in the clone, and exits with their status. The checkout itself is never changed.
# Usage: tools/workflow-check.sh [--keep] [--committed]
#   --keep       leave the clone for a look
#   --committed  check HEAD only, without the working tree's uncommitted changes
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
keep=""
committed=""
for arg in "$@"; do
  case "$arg" in
    --keep) keep="--keep" ;;
    --committed) committed=1 ;;
    *) echo "workflow-check: unknown option $arg (see the usage at the top of $0)" >&2; exit 1 ;;
  esac
done
copy="$(mktemp -d "${TMPDIR:-/tmp}/workflow-check-XXXXXX")"
cleanup() {
  if [ "$keep" = "--keep" ]; then echo "workflow-check: the clone is kept in $copy" >&2; else rm -rf "$copy"; fi
}
trap cleanup EXIT
export NX_NO_CLOUD=true NX_DAEMON=false
step() { echo "workflow-check: $*" >&2; }

# A clone that shares the checkout's objects, then the working tree copied over it (tracked and
# untracked files git does not ignore; deleted files deleted), so uncommitted work is checked too.
git clone --quiet --shared "$src" "$copy"
if [ -z "$committed" ]; then
  (cd "$src" && git ls-files -z -co --exclude-standard) | (cd "$src" && tar --null -T - -cf - 2>/dev/null) | (cd "$copy" && tar -xf -)
  (cd "$src" && git ls-files -z -d) | (cd "$copy" && xargs -0 -r rm -f --)
fi
cd "$copy"
git config user.name workflow-check
git config user.email workflow-check@localhost
commit() { git add -A && { git diff --cached --quiet || git commit --quiet -m "$1"; }; }
commit "working tree of $src"
base="$(git rev-parse HEAD)"

# node_modules: the checkout's packages, except this workspace's own Nx plugin, which must be the
# clone's (npm links workspaces as node_modules/@gitops/<name> -> the workspace folder)
mkdir node_modules
for entry in "$src"/node_modules/* "$src"/node_modules/.bin; do
  name="$(basename "$entry")"
  [ "$name" = "@gitops" ] || ln -s "$entry" "node_modules/$name"
done
mkdir node_modules/@gitops
ln -s ../../tools/nx-synth node_modules/@gitops/nx-synth

step "1/4 npm run promote -- --system kiteclass --from staging --to production"
npm run -s promote -- --system kiteclass --from staging --to production
commit "promote kiteclass from staging to production"

tag="wf-$(date +%s)"
step "2/4 npm run set-image -- --env production --service sample-app --tag $tag --render"
npm run -s set-image -- --env production --service sample-app --tag "$tag" --render
commit "sample-app $tag in production"

name="wfcheck$(date +%s | tail -c 5)"
step "3/4 npm run new-service -- --name $name --system kiteclass"
npm run -s new-service -- --name "$name" --system kiteclass
commit "new service $name"

step "4/4 npm run set-image -- --env staging --service $name --tag $tag --render"
npm run -s set-image -- --env staging --service "$name" --tag "$tag" --render
commit "$name $tag in staging"

# Only the tests that read what the workflows changed: the unit tests of the projects Nx finds
# affected since the copied working tree, and the two checks over dist/ and argocd/ as a whole
# (dist/ is what the code renders; argocd/ covers every folder). Not the whole suite again.
step "tests of what the workflows changed, in $copy"
set +e
npx tsc -p tsconfig.json \
  && node tools/nx-synth/nx.mjs affected -t test --base="$base" --head=HEAD \
  && npx vitest run --project integration apps/catalogue/src/drift.integration.test.ts apps/argocd/src/coverage.integration.test.ts
status=$?
set -e
step "the affected tests exited $status after a promotion, tag bumps and a new service"
exit "$status"
