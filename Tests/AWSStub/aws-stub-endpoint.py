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

A small world (--world FILE, JSON) answers the read operations of `buildtriage collect` from its data,
the way the services do (canned responses still win):
    {"batches": {"proj:id": BATCH | [BATCH, ...]},      # a list: one element per request (polling), last repeats
     "builds": {"proj:id": BUILD | [BUILD, ...]},
     "reports": {"arn": REPORT}, "testCases": {"report arn": [CASE, ...]}, "testCasePageSize": 100,
     "logs": {"group|stream": ["message", ...]}, "logPageSize": 10000,
     "pipelines": {"name": {"state": STATE, "definition": DECL, "executions": [EXECUTION, ...] (newest first),
                            "actionExecutions": {"execution id": [DETAIL, ...]}}}, "pagesOf": 100,
     "deny": [{"operation": "GetLogEvents", "match": "text in the request body"}],   # AccessDeniedException
     "throttle": {"BatchGetReports": 3}}                  # the first N requests: ThrottlingException
  - BatchGet*: what is unknown is listed in *NotFound;
  - DescribeTestCases, ListPipelineExecutions, ListActionExecutions, FilterLogEvents: pages of
    testCasePageSize / pagesOf / logPageSize items (or the request's maxResults / limit), with nextToken;
  - GetLogEvents: without startFromHead and token, the tail; forward (f/N) and backward (b/N) tokens; at either
    end the service hands back the token it was given; an unknown stream: ResourceNotFoundException;
  - GetPipelineState / GetPipeline / GetPipelineExecution: PipelineNotFoundException,
    PipelineExecutionNotFoundException for what the world lacks.

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
    world = None


def error(status, kind, message):
    return {'status': status, 'body': {'__type': kind, 'message': message}}


def page(items, token, size, prefix):
    """items[start:start+size] and the next token (None at the end); tokens are prefix + offset."""
    start = 0
    if token:
        if not str(token).startswith(prefix):
            return None, None
        start = int(str(token)[len(prefix):])
    end = start + max(1, size)
    return items[start:end], (prefix + str(end) if end < len(items) else None)


class World:
    """Read operations answered from a small world of batches, builds, reports, logs and pipelines."""

    def __init__(self, spec):
        self.spec = spec
        self.calls = {}

    def sequence(self, kind, key):
        value = self.spec.get(kind, {}).get(key)
        if isinstance(value, list):
            n = self.calls.get((kind, key), 0)
            self.calls[(kind, key)] = n + 1
            return value[min(n, len(value) - 1)]
        return value

    def answer(self, op, req, raw):
        req = req if isinstance(req, dict) else {}
        for rule in self.spec.get('deny', []):
            if rule.get('operation') == op and rule.get('match', '') in raw:
                service = 'logs' if op in ('GetLogEvents', 'FilterLogEvents') else 'codebuild'
                return error(400, 'AccessDeniedException',
                             f'User: arn:aws:sts::123456789012:assumed-role/triage/session is not authorized to '
                             f'perform: {service}:{op} because no identity-based policy allows the {service}:{op} action')
        throttle = self.spec.get('throttle', {})
        if throttle.get(op, 0) > 0:
            throttle[op] -= 1
            return error(400, 'ThrottlingException', 'Rate exceeded')
        handler = getattr(self, op, None)
        return handler(req) if handler else None

    def _batch_get(self, kind, ids, key, missing):
        found, absent = [], []
        for i in ids:
            value = self.sequence(kind, i)
            (found if value is not None else absent).append(value if value is not None else i)
        return {'status': 200, 'body': {key: found, missing: absent}}

    def BatchGetBuildBatches(self, req):
        return self._batch_get('batches', req.get('ids', []), 'buildBatches', 'buildBatchesNotFound')

    def BatchGetBuilds(self, req):
        return self._batch_get('builds', req.get('ids', []), 'builds', 'buildsNotFound')

    def BatchGetReports(self, req):
        return self._batch_get('reports', req.get('reportArns', []), 'reports', 'reportsNotFound')

    def DescribeTestCases(self, req):
        arn = req.get('reportArn')
        cases = self.spec.get('testCases', {}).get(arn)
        if cases is None:
            return error(400, 'ResourceNotFoundException', f'Report {arn} not found')
        items, token = page(cases, req.get('nextToken'), req.get('maxResults') or self.spec.get('testCasePageSize', 100), 'tc/')
        if items is None:
            return error(400, 'InvalidInputException', 'Invalid next token')
        body = {'testCases': items}
        if token:
            body['nextToken'] = token
        return {'status': 200, 'body': body}

    def _stream(self, req):
        return self.spec.get('logs', {}).get(f"{req.get('logGroupName')}|{req.get('logStreamName')}")

    def GetLogEvents(self, req):
        lines = self._stream(req)
        if lines is None:
            return error(400, 'ResourceNotFoundException', 'The specified log stream does not exist.')
        n = len(lines)
        size = min(req.get('limit') or 10000, self.spec.get('logPageSize', 10000))
        token = req.get('nextToken')
        if token and token.startswith('f/'):
            start = int(token[2:]); end = min(n, start + size)
        elif token and token.startswith('b/'):
            end = int(token[2:]); start = max(0, end - size)
        elif token:
            return error(400, 'InvalidParameterException', 'The specified nextToken is invalid.')
        elif req.get('startFromHead'):
            start = 0; end = min(n, size)
        else:  # the tail
            end = n; start = max(0, n - size)
        events = [{'timestamp': 1603301183000 + i, 'message': lines[i], 'ingestionTime': 1603301184000 + i}
                  for i in range(start, end)]
        # At either end the token handed back is the one given.
        forward = token if token and token.startswith('f/') and start >= n else f'f/{end}'
        backward = token if token and token.startswith('b/') and end <= 0 else f'b/{start}'
        return {'status': 200, 'body': {'events': events, 'nextForwardToken': forward, 'nextBackwardToken': backward}}

    def FilterLogEvents(self, req):
        group = req.get('logGroupName')
        streams = req.get('logStreamNames') or [k.split('|', 1)[1] for k in self.spec.get('logs', {}) if k.startswith(group + '|')]
        lines = []
        for stream in streams:
            found = self.spec.get('logs', {}).get(f'{group}|{stream}')
            if found is None:
                return error(400, 'ResourceNotFoundException', 'The specified log stream does not exist.')
            lines += [(stream, i, m) for i, m in enumerate(found)]
        items, token = page(lines, req.get('nextToken'), req.get('limit') or self.spec.get('logPageSize', 10000), 'flt/')
        if items is None:
            return error(400, 'InvalidParameterException', 'The specified nextToken is invalid.')
        body = {'events': [{'logStreamName': s, 'timestamp': 1603301183000 + i, 'message': m, 'ingestionTime': 1603301184000 + i,
                            'eventId': f'{i:08d}'} for s, i, m in items],
                'searchedLogStreams': [{'logStreamName': s, 'searchedCompletely': token is None} for s in streams]}
        if token:
            body['nextToken'] = token
        return {'status': 200, 'body': body}

    def _pipeline(self, name):
        return self.spec.get('pipelines', {}).get(name)

    def _no_pipeline(self, name):
        return error(400, 'PipelineNotFoundException', f'Account 123456789012 does not have a pipeline with name {name}')

    def GetPipelineState(self, req):
        p = self._pipeline(req.get('name'))
        return {'status': 200, 'body': p['state']} if p else self._no_pipeline(req.get('name'))

    def GetPipeline(self, req):
        p = self._pipeline(req.get('name'))
        if not p:
            return self._no_pipeline(req.get('name'))
        return {'status': 200, 'body': {'pipeline': p.get('definition', {'name': req.get('name'), 'stages': []}),
                                        'metadata': {'pipelineArn': f"arn:aws:codepipeline:us-east-1:123456789012:{req.get('name')}"}}}

    def GetPipelineExecution(self, req):
        p = self._pipeline(req.get('pipelineName'))
        if not p:
            return self._no_pipeline(req.get('pipelineName'))
        for e in p.get('executions', []):
            if e.get('pipelineExecutionId') == req.get('pipelineExecutionId'):
                body = dict(e); body['pipelineName'] = req.get('pipelineName')
                return {'status': 200, 'body': {'pipelineExecution': body}}
        return error(400, 'PipelineExecutionNotFoundException',
                     f"Pipeline execution {req.get('pipelineExecutionId')} not found")

    def ListPipelineExecutions(self, req):
        p = self._pipeline(req.get('pipelineName'))
        if not p:
            return self._no_pipeline(req.get('pipelineName'))
        keys = ('pipelineExecutionId', 'status', 'statusSummary', 'startTime', 'lastUpdateTime', 'trigger', 'stopTrigger',
                'executionMode', 'executionType', 'sourceRevisions')
        summaries = [{k: e[k] for k in keys if k in e} for e in p.get('executions', [])]
        items, token = page(summaries, req.get('nextToken'), req.get('maxResults') or self.spec.get('pagesOf', 100), 'exe/')
        body = {'pipelineExecutionSummaries': items or []}
        if token:
            body['nextToken'] = token
        return {'status': 200, 'body': body}

    def ListActionExecutions(self, req):
        p = self._pipeline(req.get('pipelineName'))
        if not p:
            return self._no_pipeline(req.get('pipelineName'))
        execution = (req.get('filter') or {}).get('pipelineExecutionId')
        details = p.get('actionExecutions', {}).get(execution, [])
        items, token = page(details, req.get('nextToken'), req.get('maxResults') or self.spec.get('pagesOf', 100), 'act/')
        body = {'actionExecutionDetails': items or []}
        if token:
            body['nextToken'] = token
        return {'status': 200, 'body': body}


def pick(target, req, raw=''):
    op = target.split('.', 1)[-1] if target else ''
    for key in (target, op, '*'):
        if key and key in State.canned:
            spec = State.canned[key]
            if isinstance(spec, list):
                i = State.cursor.get(key, 0)
                State.cursor[key] = i + 1
                return spec[min(i, len(spec) - 1)]
            return spec
    if State.world is not None:
        answer = State.world.answer(op, req, raw)
        if answer is not None:
            return answer
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
            spec = pick(target, body, text)
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
    ap.add_argument('--world', help='JSON file of a small world that answers the read operations (see above)')
    ap.add_argument('--port-file', help='write the bound port number here once listening')
    ap.add_argument('--max-requests', type=int, default=200)
    ap.add_argument('--idle-timeout', type=float, default=120.0)
    a = ap.parse_args(argv)
    if a.responses:
        State.canned = json.load(open(a.responses))
    if a.world:
        State.world = World(json.load(open(a.world)))
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
