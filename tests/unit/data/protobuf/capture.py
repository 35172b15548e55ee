#!/usr/bin/env python3
"""capture.py: how the *.pb fixtures were made. A recording reverse proxy: forwards every
request to a running cutover-fakeapi and writes the body of each POST whose Content-Type is
application/vnd.kubernetes.protobuf to OUTDIR/NNN.pb (NNN counts up from 000).

  python3 capture.py UPSTREAM_URL LISTEN_PORT OUTDIR
  kubectl --server http://127.0.0.1:LISTEN_PORT create namespace ithome
"""
import http.server
import os
import sys
import urllib.error
import urllib.request

UPSTREAM, PORT, OUT = sys.argv[1].rstrip('/'), int(sys.argv[2]), sys.argv[3]
count = [0]


class Proxy(http.server.BaseHTTPRequestHandler):
    def forward(self):
        body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
        if self.command == 'POST' and 'protobuf' in (self.headers.get('Content-Type') or ''):
            with open(os.path.join(OUT, '%03d.pb' % count[0]), 'wb') as f:
                f.write(body)
            count[0] += 1
        skip = {'host', 'content-length', 'connection', 'accept-encoding'}
        headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
        req = urllib.request.Request(UPSTREAM + self.path, data=body if body else None,
                                     headers=headers, method=self.command)
        try:
            resp = urllib.request.urlopen(req)
        except urllib.error.HTTPError as e:
            resp = e
        data = resp.read()
        self.send_response(resp.status if hasattr(resp, 'status') else resp.code)
        for k, v in resp.headers.items():
            if k.lower() not in ('transfer-encoding', 'content-length', 'connection'):
                self.send_header(k, v)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = forward

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(('127.0.0.1', PORT), Proxy).serve_forever()
