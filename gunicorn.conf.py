"""gunicorn's settings for production (read from the working directory; README,
"Deploying"). The command line and GUNICORN_CMD_ARGS override them."""

import os

wsgi_app = "actionplan.wsgi:application"
# Behind the reverse proxy on the same machine; never reachable from outside.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Import Django once in the master, before the workers fork: quicker starts, less memory.
preload_app = True
# A request (the board pack PDF is the slowest, a few seconds) is cut off after this.
timeout = 60
graceful_timeout = 30
# Restart workers now and then, so that a slow leak never builds up.
max_requests = 2000
max_requests_jitter = 200
# X-Forwarded-Proto is believed from the proxy on this machine only.
forwarded_allow_ips = "127.0.0.1,::1"
# No runtime control socket (gunicorn 27): systemd restarts the service, and two
# instances on one machine (make serve-prod, make loadtest) would share its path.
control_socket_disable = True
# Small request lines and headers; bodies are limited by the proxy and by Django.
limit_request_line = 8190
limit_request_fields = 100

# Logs to standard error. The access log has the path but never the query string (a
# search of the plan can hold a name) nor any body: address, time, method, path, status,
# size, duration in microseconds.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(D)s'
