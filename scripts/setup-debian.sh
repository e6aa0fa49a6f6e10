#!/usr/bin/env bash
# Installs the Debian packages tagpilot's tests and demo run against: real servers on loopback
# (docker-registry = distribution 2.8, git http-backend, sshd) and the tools that feed them;
# chromium for the status page's browser tests (driven by playwright-core, which downloads no
# browser of its own).
# Idempotent: does nothing when everything is already there. Never prompts (CI has no stdin).
set -euo pipefail

packages=(git docker-registry skopeo openssh-server openssh-client apache2-utils ca-certificates gnupg chromium)
need=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo -n); fi
echo "setup: installing Debian packages: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The docker-registry package starts a system-wide registry on :5000; tests run their own
# registries on ephemeral loopback ports, so stop the system one (harmless when absent).
if command -v systemctl >/dev/null 2>&1; then "${sudo[@]}" systemctl stop docker-registry 2>/dev/null || true; fi
"${sudo[@]}" service docker-registry stop >/dev/null 2>&1 || true
