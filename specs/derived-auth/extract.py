#!/usr/bin/env python3
"""Which services Huawei Cloud's official Python SDK signs with derived keys, as JSON.

    python3 specs/derived-auth/extract.py                  # every service of SERVICES
    python3 specs/derived-auth/extract.py IoTDA ECS        # some of them (others kept)
    python3 specs/derived-auth/extract.py IVS              # any other: huaweicloudsdkivs

The SDK signs a service's requests with `V11-HMAC-SHA256` (a key derived per day, region
and service) when its client builder names the service for derivation:
`client_builder._with_derived_auth_service_name("iotdm")` in `new_builder` of
`<package>/v*/<service>_client.py` (and `_async_client.py`), and the credentials have a
derived predicate. For each service, pip installs its SDK package at the pinned version
(`pip download --no-deps` into a cache folder, `--cache DIR`, default a temporary one),
and the script reads its client files without running them. It writes `services.json`
beside itself, service -> entry, sorted:

    "IoTDA": {"package": "huaweicloudsdkiotda", "version": "3.1.219",
              "derived_auth_service_name": "iotdm",
              "files": ["huaweicloudsdkiotda/v5/iotda_async_client.py", ...]}

with `derived_auth_service_name: null` (and no files) for a package whose clients name
none, so that a service checked is told from one never looked at. Services named on the
command line are read again and the other entries kept. Needs Python 3.8+ and pip.
"""

import argparse
import ast
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "services.json")

SDK_VERSION = "3.1.219"


def region_services():
    """The services of `specs/regions/extract.py` (those with a crate or golden case here)."""
    path = os.path.join(HERE, "..", "regions", "extract.py")
    spec = importlib.util.spec_from_file_location("regions_extract", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {service: (package, version) for service, (package, version, _) in module.SERVICES.items()}


# Our service name (a generated crate's `SERVICE.name`, as the catalogue folder is named):
# the SDK package and its version. The IoT services, where the SDKs' docs place derived
# signing, and every service with a crate or golden case here.
SERVICES = {
    "IoTDA": ("huaweicloudsdkiotda", SDK_VERSION),
    "IoTDM": ("huaweicloudsdkiotdm", SDK_VERSION),
    "IoTEdge": ("huaweicloudsdkiotedge", SDK_VERSION),
    "IoTAnalytics": ("huaweicloudsdkiotanalytics", SDK_VERSION),
    **region_services(),
}

METHOD = "_with_derived_auth_service_name"


def wheel(package, version, cache):
    """The wheel of `package==version` in `cache`, downloaded there by pip if missing."""
    prefix = f"{package}-{version}-"
    found = [f for f in os.listdir(cache) if f.startswith(prefix) and f.endswith(".whl")]
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
             "-d", cache, f"{package}=={version}"],
            check=True,
        )
        found = [f for f in os.listdir(cache) if f.startswith(prefix) and f.endswith(".whl")]
    if len(found) != 1:
        sys.exit(f"expected one wheel of {package} {version} in {cache}, found {found}")
    return zipfile.ZipFile(os.path.join(cache, found[0]))


def derived_names(source, where):
    """The string arguments of every `<x>._with_derived_auth_service_name(...)` call."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == METHOD:
            args = node.args
            if len(args) != 1 or not (isinstance(args[0], ast.Constant) and isinstance(args[0].value, str)):
                sys.exit(f"{where}: {METHOD} without one string literal")
            names.append(args[0].value)
    return names


def service_entry(service, package, version, cache):
    archive = wheel(package, version, cache)
    clients = sorted(n for n in archive.namelist()
                     if n.startswith(f"{package}/v") and n.endswith("_client.py") and n.count("/") == 2)
    if not clients:
        sys.exit(f"{package} {version} has no <service>_client.py")
    found = {f: derived_names(archive.read(f).decode("utf-8"), f) for f in clients}
    names = {n for ns in found.values() for n in ns}
    if len(names) > 1:
        sys.exit(f"{package}: clients name several services for derivation: {sorted(names)}")
    return {
        "package": package,
        "version": version,
        "derived_auth_service_name": names.pop() if names else None,
        "files": [f for f, ns in found.items() if ns],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("services", nargs="*",
                        help="services (default: all of SERVICES); one not listed is huaweicloudsdk<name> "
                             f"at {SDK_VERSION}")
    parser.add_argument("--cache", help="folder for the downloaded wheels (default: a temporary one)")
    args = parser.parse_args()
    entries = {}
    if args.services and os.path.exists(OUTPUT):
        with open(OUTPUT, encoding="utf-8") as f:
            entries = json.load(f)
    with tempfile.TemporaryDirectory() as temporary:
        cache = args.cache or temporary
        os.makedirs(cache, exist_ok=True)
        for service in args.services or sorted(SERVICES):
            package, version = SERVICES.get(service, (f"huaweicloudsdk{service.lower()}", SDK_VERSION))
            entry = service_entry(service, package, version, cache)
            entries[service] = entry
            name = entry["derived_auth_service_name"]
            print(f"{service}: {package} {version}: " + (f"{name} ({', '.join(entry['files'])})" if name else "none"))
    with open(OUTPUT, "w", encoding="utf-8", newline="\n") as f:
        json.dump(dict(sorted(entries.items(), key=lambda e: e[0].lower())), f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
