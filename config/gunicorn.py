"""gunicorn's settings for `make serve` (gunicorn -c config/gunicorn.py config.wsgi).

Read from the environment, with defaults for a small server:

- BIND: address and port (default 127.0.0.1:8000; 0.0.0.0:8000 behind a proxy elsewhere);
- WEB_CONCURRENCY: worker processes (default 2 × CPU cores + 1);
- GUNICORN_THREADS: threads per worker (default 4): the app mostly waits on PostgreSQL;
- GUNICORN_TIMEOUT: seconds before a stuck worker is restarted (default 60: rendering
  a long PDF the first time takes several seconds);
- FORWARDED_ALLOW_IPS: proxies whose X-Forwarded-* headers gunicorn trusts (default
  127.0.0.1).

gunicorn's Server header says only »gunicorn«, never its version; the control socket
(gunicorn ≥ 25) is turned off, there is nothing to manage at run time that a restart
does not do.
"""

import multiprocessing
import os

# Only what differs from gunicorn's defaults (graceful_timeout 30 s, no access log, error log
# to stderr at »info«, 100 header fields of at most 8190 bytes); GUNICORN_CMD_ARGS overrides
# anything, e.g. GUNICORN_CMD_ARGS="--log-level debug".
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
keepalive = 5
# No max_requests: recycling a worker under load drops its keep-alive connections, which
# clients see as errors (measured in benchmarks/last.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn writes no access log (its default): requests are logged by the app as JSON
# (config/anmodningslog.py), and gunicorn logs only its own errors and worker starts/stops.
control_socket_disable = True
# Request lines up to 8190 bytes (gunicorn's default is 4094); longer ones, and headers
# beyond the defaults above, are refused before Django sees them.
limit_request_line = 8190
