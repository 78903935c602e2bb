"""Runs a list of boto3 SQS calls against an endpoint and prints every result as JSON.

usage: boto_steps.py ENDPOINT STEPS_JSON   (or "-" to read the steps from stdin)
       boto_steps.py --serve                (JSON lines {"endpoint", "steps"} in, one result line out each)

Each step is {"op": "send_message", "params": {...}, "region": "...", "headers": {...}}, optionally
with "service" (default "sqs", e.g. "sts") and "accessKeyId" (default "test"):
  - "op" is the boto3 method name (snake_case);
  - {"$b64": "..."} in params becomes bytes; {"$ref": "N.path.to.value"} becomes a value from the
    result of step N (0-based), e.g. {"$ref": "1.Messages.0.ReceiptHandle"};
  - {"op": "_advance", "ms": N} moves the emulator's manual clock.
A failing call records {"error": {...}} and the run continues. Output:
  {"protocol": "query"|"json", "botocore": "x.y.z", "results": [{"ok": response} | {"error": {...}}]}
"""
import base64
import datetime
import json
import sys
import urllib.request

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError


def to_json(value):
    if isinstance(value, (bytes, bytearray)):
        return {"$b64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def lookup(results, ref):
    parts = ref.split(".")
    value = results[int(parts[0])]["ok"]
    for p in parts[1:]:
        value = value[int(p)] if isinstance(value, list) else value[p]
    return value


def resolve(value, results):
    if isinstance(value, dict):
        if set(value) == {"$b64"}:
            return base64.b64decode(value["$b64"])
        if set(value) == {"$ref"}:
            return lookup(results, value["$ref"])
        return {k: resolve(v, results) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, results) for v in value]
    return value


class Runner:
    """boto3 clients per (endpoint, region), reused across step lists."""

    def __init__(self):
        self.session = boto3.session.Session()
        self.clients = {}
        self.extra_headers = {}

    def _add_headers(self, request, **kwargs):
        for k, v in self.extra_headers.items():
            request.headers[k] = v

    def client(self, endpoint, region, service="sqs", access_key="test"):
        key = (endpoint, region, service, access_key)
        if key not in self.clients:
            c = self.session.client(
                service,
                endpoint_url=endpoint,
                region_name=region,
                aws_access_key_id=access_key,
                aws_secret_access_key="test",
                config=Config(retries={"total_max_attempts": 1}),
            )
            c.meta.events.register("before-sign.%s.*" % service, self._add_headers)
            self.clients[key] = c
        return self.clients[key]

    def run(self, endpoint, steps):
        protocol = self.client(endpoint, "us-east-1").meta.service_model.protocol
        results = []
        for step in steps:
            op = step["op"]
            if op == "_advance":
                req = urllib.request.Request(
                    endpoint + "/_tandem/clock",
                    data=json.dumps({"advanceMs": step["ms"]}).encode(),
                    method="POST",
                )
                with urllib.request.urlopen(req) as resp:
                    results.append({"ok": json.loads(resp.read())})
                continue
            self.extra_headers.clear()
            self.extra_headers.update(step.get("headers") or {})
            try:
                params = resolve(step.get("params") or {}, results)
                client = self.client(endpoint, step.get("region", "us-east-1"), step.get("service", "sqs"), step.get("accessKeyId", "test"))
                response = getattr(client, op)(**params)
                response.pop("ResponseMetadata", None)
                results.append({"ok": to_json(response)})
            except ClientError as e:
                err = dict(e.response.get("Error", {}))
                err["HTTPStatusCode"] = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                results.append({"error": to_json(err)})
            except Exception as e:  # client-side failures (validation, parsing)
                results.append({"exception": "%s: %s" % (type(e).__name__, e)})
        return {"protocol": protocol, "botocore": botocore.__version__, "results": results}


def main():
    runner = Runner()
    if sys.argv[1] == "--serve":
        # One JSON request per line: {"endpoint": ..., "steps": [...]}; one JSON answer per line.
        for line in sys.stdin:
            if not line.strip():
                continue
            req = json.loads(line)
            sys.stdout.write(json.dumps(runner.run(req["endpoint"], req["steps"])) + "\n")
            sys.stdout.flush()
        return
    endpoint = sys.argv[1]
    steps = json.loads(sys.stdin.read() if sys.argv[2] == "-" else sys.argv[2])
    print(json.dumps(runner.run(endpoint, steps)))


if __name__ == "__main__":
    main()
