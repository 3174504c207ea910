#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run one hook of flannel's extension backend as flanneld runs it.

    flanneld-ext.py {exec|sh} NETCONF HOOK [NAME=VALUE...] <BACKEND_DATA

NETCONF is flannel's network configuration (JSON), HOOK one of
PreStartupCommand, PostStartupCommand, SubnetAddCommand and
SubnetRemoveCommand, and the NAME=VALUE pairs are what flanneld sets for
that hook (NETWORK, SUBNET, PUBLIC_IP). What this reads on its own stdin
is the lease's backend data: flanneld writes it, and a newline, to the
hook's stdin.

exec is flanneld 0.28.2 and later: the string split into words at white
space, $NAME and ${NAME} in each word replaced from the environment and
the pairs, and the words run with no shell. sh is the flanneld before it:
sh -c with the string, the pairs added to the environment. Either way the
hook's stdout and stderr are printed together, and its exit status is
ours. A hook that is not configured is skipped, as flanneld skips it.
"""

import json
import os
import re
import subprocess
import sys

HOOKS = ("PreStartupCommand", "PostStartupCommand", "SubnetAddCommand",
         "SubnetRemoveCommand")
VAR = re.compile(r"\$\{([^}]*)\}|\$([A-Za-z0-9_]+)")


def expand(word, env):
    return VAR.sub(lambda m: env.get(m.group(1) or m.group(2), ""), word)


def main(argv):
    if len(argv) < 4 or argv[1] not in ("exec", "sh") or argv[3] not in HOOKS:
        sys.exit(__doc__.split("\n\n")[1])
    mode, netconf, hook = argv[1:4]
    pairs = dict(p.split("=", 1) for p in argv[4:])
    with open(netconf, encoding="utf-8") as f:
        command = json.load(f)["Backend"].get(hook, "")
    if not command:
        return 0
    env = dict(os.environ, **pairs)
    if mode == "exec":
        args = [expand(w, env) for w in command.split()]
    else:
        args = ["sh", "-c", command]
    data = sys.stdin.read() + "\n"
    try:
        p = subprocess.run(args, input=data, env=env, text=True, check=False,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except OSError as e:
        print(f"{args[0]}: {e.strerror}")
        return 127
    if p.stdout.strip():
        print(p.stdout.strip())
    return p.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))
