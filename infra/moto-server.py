"""moto_server, with DynamoDB requests applied one at a time.

DynamoDB applies a conditional write (its condition check and its write) atomically,
and the adapters rely on it: optimistic versions, claims, exactly-once increments.
moto checks the condition and then writes without a lock, in a threaded server, so
two concurrent writers conditioned on the same version can both succeed. That is a
lost update real DynamoDB never makes, and a test of the adapter then fails for the
emulator's sake. Holding one lock around each DynamoDB request gives back the
atomicity the adapters are written against. SQS and Secrets Manager requests stay
concurrent: an SQS long poll must not hold up everything else.

Usage: target/pyenv/bin/python infra/moto-server.py -H 127.0.0.1 -p 5001
(the same arguments as moto_server).
"""

import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.server import main

_dynamodb = threading.Lock()
_dispatch = DomainDispatcherApplication.__call__


def _call(self, environ, start_response):
    if environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
        with _dynamodb:
            # The response is built inside the call; list() makes sure of it.
            return list(_dispatch(self, environ, start_response))
    return _dispatch(self, environ, start_response)


DomainDispatcherApplication.__call__ = _call

if __name__ == "__main__":
    main(sys.argv[1:])
