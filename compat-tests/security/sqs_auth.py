"""
SigV4 verification as boto3 sees it (compat-tests/security/sqs-auth.test.ts): run with Debian's
python3 (boto3 1.26, Query protocol) and the .venv's (boto3 1.4x, JSON protocol). Each step prints
its outcome; the last line is one JSON object the test reads.

usage: sqs_auth.py ENDPOINT ACCESS_KEY SECRET STEP...
  steps: create:<name>  send:<name>  list  presign:<name>:<expires>  fetch:<url-from-file>
"""
import json
import sys
import urllib.request
import urllib.error

import boto3
import botocore
from botocore.config import Config

endpoint, key, secret, *steps = sys.argv[1:]
sqs = boto3.client(
    "sqs",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id=key,
    aws_secret_access_key=secret,
    config=Config(retries={"max_attempts": 1}),
)
out = {"botocore": botocore.__version__, "steps": []}


def run(fn):
    try:
        r = fn()
        return {"ok": True, "result": r}
    except botocore.exceptions.ClientError as e:
        return {"ok": False, "code": e.response["Error"]["Code"], "message": e.response["Error"].get("Message", ""),
                "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}


for step in steps:
    kind, _, arg = step.partition(":")
    if kind == "create":
        out["steps"].append(run(lambda: sqs.create_queue(QueueName=arg)["QueueUrl"]))
    elif kind == "send":
        url = f"{endpoint}/000000000000/{arg}"
        out["steps"].append(run(lambda: sqs.send_message(QueueUrl=url, MessageBody="héllo wörld +&=")["MessageId"]))
    elif kind == "list":
        out["steps"].append(run(lambda: sqs.list_queues().get("QueueUrls", [])))
    elif kind == "presign":
        name, _, expires = arg.partition(":")
        url = sqs.generate_presigned_url(
            "get_queue_url", Params={"QueueName": name}, ExpiresIn=int(expires), HttpMethod="GET")
        out["steps"].append({"ok": True, "result": url})
    elif kind == "fetch":
        try:
            with urllib.request.urlopen(arg) as r:
                out["steps"].append({"ok": True, "status": r.status, "body": r.read().decode()})
        except urllib.error.HTTPError as e:
            out["steps"].append({"ok": False, "status": e.code, "body": e.read().decode()})
print(json.dumps(out))
