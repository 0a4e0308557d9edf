#!/usr/bin/env python3
"""Loopback-only stub of an AWS JSON-1.1 endpoint (CodeBuild / CodePipeline) for testing emitted
`aws ...` commands without touching AWS.

It listens on 127.0.0.1 only, appends every request as one JSON line to a log file, and answers
according to the X-Amz-Target header (e.g. "CodePipeline_20150709.RetryStageExecution").

Usage
-----
    python3 Tests/AWSStub/aws-stub-endpoint.py --port 0 --log /tmp/req.jsonl --port-file /tmp/port \
        [--responses canned.json] [--max-requests 50] [--idle-timeout 60] &
    PORT=$(cat /tmp/port)
    AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=y AWS_DEFAULT_REGION=us-east-1 \
    AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
      aws --endpoint-url http://127.0.0.1:$PORT codepipeline retry-stage-execution \
          --pipeline-name MyPipeline --stage-name Deploy \
          --pipeline-execution-id 3137f7cb-7cf7-4a4b-9b8e-1234567890ab --retry-mode FAILED_ACTIONS
    tail -1 /tmp/req.jsonl | python3 -m json.tool

Each log line: {"seq", "time", "method", "path", "target", "headers", "body_raw", "body" (parsed JSON
or null), "response_status", "response_body"}.

Canned responses (--responses FILE, JSON object):
    { "<X-Amz-Target or bare operation name>": SPEC | [SPEC, SPEC, ...], ... , "*": SPEC }
    SPEC = {"status": 200, "body": {...} | "raw text", "headers": {"k": "v"}}
A list is consumed in order, its last element then repeats (use it to script e.g. 500 then 200).
For error responses use the JSON-1.1 error form, e.g.
    {"status": 400, "body": {"__type": "StageNotRetryableException", "message": "..."}}
Without a spec the built-in defaults below answer (200, a minimal but model-valid body; for
RetryStageExecution the request's pipelineExecutionId is echoed back). "{}" answers everything else.

Safety / boundedness: binds 127.0.0.1 only (no option to change it); exits after --max-requests
requests (default 200) or --idle-timeout seconds without a request (default 120), or on SIGTERM/SIGINT.
"""
import argparse, json, os, signal, sys, threading, time
from http.server import BaseHTTPRequestHandler, HTTPServer

HOST = '127.0.0.1'

# epoch-seconds floats, as the real JSON-1.1 wire format carries timestamps
_T0 = 1603301183.099

DEFAULTS = {
    'RetryStageExecution': lambda req: {'status': 200, 'body': {
        'pipelineExecutionId': (req or {}).get('pipelineExecutionId', '3137f7cb-7cf7-4a4b-9b8e-1234567890ab')}},
    'StopPipelineExecution': lambda req: {'status': 200, 'body': {
        'pipelineExecutionId': (req or {}).get('pipelineExecutionId', '3137f7cb-7cf7-4a4b-9b8e-1234567890ab')}},
    'RetryBuildBatch': lambda req: {'status': 200, 'body': {'buildBatch': {
        'id': (req or {}).get('id', 'proj:00000000-0000-0000-0000-000000000000'),
        'arn': 'arn:aws:codebuild:us-east-1:123456789012:build-batch/' + (req or {}).get('id', 'proj:x'),
        'startTime': _T0, 'currentPhase': 'SUBMITTED', 'buildBatchStatus': 'IN_PROGRESS',
        'phases': [{'phaseType': 'SUBMITTED', 'phaseStatus': 'SUCCEEDED', 'startTime': _T0,
                    'endTime': _T0 + 0.358, 'durationInSeconds': 0},
                   {'phaseType': 'SUBMITTED', 'startTime': _T0 + 0.358}],
        'buildGroups': [{'identifier': 'linux_small', 'dependsOn': [], 'ignoreFailure': False,
                         'currentBuildSummary': {'arn': 'arn:aws:codebuild:us-east-1:123456789012:build/proj:b1',
                                                 'requestedOn': _T0 + 0.5, 'buildStatus': 'IN_PROGRESS'},
                         'priorBuildSummaryList': [{'arn': 'arn:aws:codebuild:us-east-1:123456789012:build/proj:b0',
                                                    'requestedOn': _T0 - 100, 'buildStatus': 'FAILED'}]}],
        'complete': False}}},
    'RetryBuild': lambda req: {'status': 200, 'body': {'build': {
        'id': (req or {}).get('id', 'proj:00000000-0000-0000-0000-000000000000'),
        'arn': 'arn:aws:codebuild:us-east-1:123456789012:build/' + (req or {}).get('id', 'proj:x'),
        'buildNumber': 9, 'startTime': _T0, 'currentPhase': 'QUEUED', 'buildStatus': 'IN_PROGRESS',
        'phases': [{'phaseType': 'SUBMITTED', 'phaseStatus': 'SUCCEEDED', 'startTime': _T0,
                    'endTime': _T0 + 0.049, 'durationInSeconds': 0},
                   {'phaseType': 'QUEUED', 'startTime': _T0 + 0.049}],
        'buildComplete': False}}},
}


class State:
    seq = 0
    last = time.time()
    lock = threading.Lock()
    canned = {}
    cursor = {}


def pick(target, req):
    op = target.split('.', 1)[-1] if target else ''
    for key in (target, op, '*'):
        if key and key in State.canned:
            spec = State.canned[key]
            if isinstance(spec, list):
                i = State.cursor.get(key, 0)
                State.cursor[key] = i + 1
                return spec[min(i, len(spec) - 1)]
            return spec
    if op in DEFAULTS:
        return DEFAULTS[op](req if isinstance(req, dict) else None)
    return {'status': 200, 'body': {}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'aws-stub/1'

    def log_message(self, fmt, *args):  # keep stderr quiet
        pass

    def _handle(self):
        n = int(self.headers.get('Content-Length') or 0)
        raw = self.rfile.read(n) if n else b''
        text = raw.decode('utf-8', 'replace')
        try:
            body = json.loads(text) if text else None
        except ValueError:
            body = None
        target = self.headers.get('X-Amz-Target', '')
        with State.lock:
            State.seq += 1
            State.last = time.time()
            seq = State.seq
            spec = pick(target, body)
        status = int(spec.get('status', 200))
        rb = spec.get('body', {})
        out = (rb if isinstance(rb, str) else json.dumps(rb)).encode()
        self.send_response(status)
        hdrs = {'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': f'stub-{seq:06d}'}
        hdrs.update(spec.get('headers', {}))
        for k, v in hdrs.items():
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(out)))
        self.end_headers()
        self.wfile.write(out)
        rec = {'seq': seq, 'time': time.time(), 'method': self.command, 'path': self.path,
               'target': target, 'headers': dict(self.headers.items()), 'body_raw': text,
               'body': body, 'response_status': status, 'response_body': rb}
        with State.lock:
            with open(self.server.log_path, 'a') as f:
                f.write(json.dumps(rec) + '\n')
        if seq >= self.server.max_requests:
            threading.Thread(target=self.server.shutdown, daemon=True).start()

    do_POST = _handle
    do_GET = _handle
    do_PUT = _handle


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--port', type=int, default=0, help='loopback port; 0 = pick a free one')
    ap.add_argument('--log', required=True, help='append one JSON line per request here')
    ap.add_argument('--responses', help='JSON file of canned responses keyed by X-Amz-Target or operation')
    ap.add_argument('--port-file', help='write the bound port number here once listening')
    ap.add_argument('--max-requests', type=int, default=200)
    ap.add_argument('--idle-timeout', type=float, default=120.0)
    a = ap.parse_args(argv)
    if a.responses:
        State.canned = json.load(open(a.responses))
    srv = HTTPServer((HOST, a.port), Handler)
    srv.log_path = a.log
    srv.max_requests = a.max_requests
    port = srv.server_address[1]
    if a.port_file:
        tmp = a.port_file + '.tmp'
        open(tmp, 'w').write(str(port))
        os.replace(tmp, a.port_file)
    print(f'stub listening on http://{HOST}:{port} pid={os.getpid()} log={a.log}', file=sys.stderr, flush=True)

    def watchdog():
        while True:
            time.sleep(0.5)
            if time.time() - State.last > a.idle_timeout:
                srv.shutdown()
                return
    threading.Thread(target=watchdog, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=srv.shutdown, daemon=True).start())
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
    print(f'stub stopped after {State.seq} request(s)', file=sys.stderr, flush=True)


if __name__ == '__main__':
    main()
