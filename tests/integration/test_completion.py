"""Shell completion driven through the real shells: bash (the completion function with
COMP_WORDS/COMP_CWORD), fish (`complete -C`) and zsh (a tmux terminal and Tab). `exec --`
delegates to the command's own completion, `exec` before its command completes ssocred's
flags, `tokens revoke` offers the token ids of the daemon --socket names (else the default one),
`console` completes a profile as `use` does, and zsh/fish descriptions keep their
apostrophes."""
import json
import os
import shlex
import shutil
import subprocess
import time
import unittest

from itest import DaemonTestCase
from daemon_harness import SSOCRED

APOSTROPHE_HELP = "a token scoped to this profile's role"


class Completion(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.dir = os.path.join(self.daemon.tmp, "completion")
        os.makedirs(self.dir, exist_ok=True)
        # `ssocred` on PATH as the shells look it up (token ids are asked from it).
        self.bin = os.path.join(self.dir, "bin")
        os.makedirs(self.bin, exist_ok=True)
        os.symlink(os.path.abspath(shutil.which(SSOCRED) or SSOCRED),
                   os.path.join(self.bin, "ssocred"))
        self.env = dict(self.daemon.env, PATH=self.bin + ":" + self.daemon.env["PATH"])
        self.token_id = json.loads(self.daemon.cli("env", "--profile", "ro", "--json",
                                                   check=True).stdout)["token_id"]

    def script(self, shell):
        path = os.path.join(self.dir, {"bash": "ssocred.bash", "zsh": "_ssocred",
                                       "fish": "ssocred.fish"}[shell])
        with open(path, "w") as f:
            f.write(self.daemon.cli("completion", shell, check=True).stdout)
        return path

    # -- bash ------------------------------------------------------------------------------
    def bash_complete(self, line, prelude=""):
        """COMPREPLY for `line` (completing its last word; a trailing space = a new word)."""
        bash = shutil.which("bash")
        words = line.split(" ")
        code = (f"source {shlex.quote(self.script('bash'))}\n{prelude}\n"
                f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})\n"
                f"COMP_CWORD={len(words) - 1}\n"
                "_ssocred\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
        r = subprocess.run([bash, "--norc", "--noprofile", "-c", code], env=self.env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return [l for l in r.stdout.splitlines() if l]

    def test_bash(self):
        # exec before its command: ssocred's flags, and `--`.
        self.assertEqual(set(self.bash_complete("ssocred exec ")),
                         {"--profile", "--imds", "--no-login", "--help", "--"})
        self.assertIn("dev", self.bash_complete("ssocred exec --profile "))
        # The command's own completion through bash-completion's _command_offset...
        called = self.bash_complete(
            "ssocred exec -- aws s3 ", prelude='_command_offset() { COMPREPLY=("offset=$1"); }')
        self.assertEqual(called, ["offset=3"])
        called = self.bash_complete(
            "ssocred --socket /x exec --profile dev aws ",
            prelude='_command_offset() { COMPREPLY=("offset=$1"); }')
        self.assertEqual(called, ["offset=6"])
        # ... or, without bash-completion, command names then file names (an empty
        # COMPREPLY: `complete -o default`), never ssocred's commands or every command.
        self.assertIn("ls", self.bash_complete("ssocred exec -- l"))
        self.assertEqual(self.bash_complete("ssocred exec -- ls --"), [])
        self.assertEqual(self.bash_complete("ssocred exec -- aws "), [])
        # tokens: the subcommands, then the daemon's token ids.
        self.assertEqual(self.bash_complete("ssocred tokens "), ["list", "revoke", "rotate-main"])
        self.assertIn(self.token_id, self.bash_complete("ssocred tokens revoke "))
        self.assertEqual(self.bash_complete("ssocred tokens revoke x "), [])
        # `console PROFILE`, like `use PROFILE`.
        self.assertIn("dev", self.bash_complete("ssocred console "))
        self.assertIn("dev", self.bash_complete("ssocred use "))

    # -- fish ------------------------------------------------------------------------------
    def fish_complete(self, line):
        fish = shutil.which("fish")
        env = dict(self.env, XDG_CONFIG_HOME=os.path.join(self.dir, "fish-config"),
                   XDG_DATA_HOME=os.path.join(self.dir, "fish-data"))
        code = f"source {shlex.quote(self.script('fish'))}; complete -C {shlex.quote(line)}"
        r = subprocess.run([fish, "-c", code], env=env, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return dict((l.split("\t") + [""])[:2] for l in r.stdout.splitlines() if l)

    @unittest.skipUnless(shutil.which("fish"), "fish is not installed")
    def test_fish(self):
        flags = self.fish_complete("ssocred exec --")
        self.assertIn("--profile", flags)
        self.assertIn("--imds", flags)
        inner = self.fish_complete("ssocred exec -- ls --")
        self.assertIn("--all", inner)  # ls's own
        self.assertNotIn("--imds", inner)
        self.assertNotIn("--json", inner)
        inner = self.fish_complete("ssocred exec --profile dev ls --al")
        self.assertIn("--all", inner)
        self.assertIn("dev", self.fish_complete("ssocred exec --profile "))
        self.assertIn(self.token_id, self.fish_complete("ssocred tokens revoke "))
        self.assertEqual(set(self.fish_complete("ssocred tokens ")),
                         {"list", "revoke", "rotate-main"})
        self.assertEqual(self.fish_complete("ssocred env --pro")["--profile"], APOSTROPHE_HELP)
        self.assertIn("dev", self.fish_complete("ssocred console "))

    # -- zsh -------------------------------------------------------------------------------
    @unittest.skipUnless(shutil.which("zsh") and shutil.which("tmux"), "zsh or tmux missing")
    def test_zsh(self):
        zdot = os.path.join(self.dir, "zsh")
        fpath = os.path.join(zdot, "functions")
        os.makedirs(fpath)
        shutil.copy(self.script("zsh"), fpath)
        with open(os.path.join(zdot, ".zshrc"), "w") as f:
            f.write(f"PS1='%% '\nfpath=({shlex.quote(fpath)} $fpath)\n"
                    f"autoload -U compinit && compinit -u -d {shlex.quote(zdot)}/.zcompdump\n"
                    "zstyle ':completion:*' list-prompt ''\nLISTMAX=10000\n"
                    "print READY\n")
        # No daemon where ssocred looks by default: token ids come only from the daemon
        # that --socket names on the command line.
        nowhere = os.path.join(self.dir, "no-runtime")
        os.makedirs(nowhere, mode=0o700)
        env = dict(self.env, ZDOTDIR=zdot, HOME=zdot, TERM="screen", XDG_RUNTIME_DIR=nowhere)
        env.pop("SSOCRED_SOCKET", None)
        sock = f"ssocred-zsh-{os.getpid()}"
        tmux = ["tmux", "-L", sock]
        argv = ["env", "-i"] + [f"{k}={v}" for k, v in env.items()] + ["zsh", "-i"]
        subprocess.run(tmux + ["-f", "/dev/null", "new-session", "-d", "-x", "200", "-y", "60",
                               " ".join(shlex.quote(a) for a in argv)], check=True, timeout=30)
        self.addCleanup(subprocess.run, tmux + ["kill-server"], capture_output=True, timeout=30)

        def screen():
            return subprocess.run(tmux + ["capture-pane", "-p"],
                                  capture_output=True, text=True, timeout=30).stdout

        def wait(pred, what, timeout=60):
            deadline = time.monotonic() + timeout
            text = ""
            while time.monotonic() < deadline:
                text = screen()
                if pred(text):
                    return text
                time.sleep(0.2)
            self.fail(f"zsh: timed out waiting for {what}:\n{text}")

        def complete(line, expect, what):
            subprocess.run(tmux + ["send-keys", "C-c"], check=True, timeout=30)
            subprocess.run(tmux + ["send-keys", "clear", "Enter"], check=True, timeout=30)
            wait(lambda s: s.strip() == "%", "a clear screen")
            subprocess.run(tmux + ["send-keys", "-l", line], check=True, timeout=30)
            subprocess.run(tmux + ["send-keys", "Tab"], check=True, timeout=30)
            return wait(lambda s: expect in s or "_set_command" in s or "bad math" in s, what)

        wait(lambda s: "READY" in s, "zsh to start")
        text = complete("ssocred exec -- ls --", "--all", "ls's own options")
        self.assertNotIn("bad math", text)
        self.assertNotIn("--imds", text)
        text = complete("ssocred exec --", "--imds", "exec's flags")
        self.assertIn("--profile", text)
        text = complete("ssocred env --", "profile's", "a description with an apostrophe")
        self.assertIn(APOSTROPHE_HELP, text)
        text = complete(f"ssocred --socket {self.daemon.socket} tokens revoke ", self.token_id,
                        "the token ids of the daemon --socket names")
        self.assertIn(self.token_id, text)
        text = complete("ssocred console ", "dev", "profile names")
        self.assertIn("dev", text)


if __name__ == "__main__":
    unittest.main()
