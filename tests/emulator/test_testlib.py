"""The generic parts of ssocred_testlib: Process and Emulator lifecycle guarantees."""
import os
import shutil
import signal
import sys
import unittest

from ssocred_testlib import AdminError, Emulator, Process, free_tmpdir, wait_until


class ProcessTest(unittest.TestCase):
    def test_output_captured_and_stop_escalates_to_kill(self):
        # A child that ignores SIGTERM: stop() must still end it.
        code = ("import signal,sys,time\n"
                "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                "print('ready', flush=True)\n"
                "print('to stderr', file=sys.stderr, flush=True)\n"
                "time.sleep(60)\n")
        p = Process([sys.executable, "-c", code], name="stubborn")
        self.addCleanup(p.cleanup)
        p.start()
        self.assertEqual(p.wait_for_line("ready"), "ready")
        wait_until(lambda: "to stderr" in p.stderr_text())
        rc = p.stop(timeout=0.5)
        self.assertEqual(rc, -signal.SIGKILL)
        self.assertFalse(p.running())
        self.assertIsNone(p.stop() and None)  # idempotent

    def test_env_and_cleanup(self):
        p = Process([sys.executable, "-c", "import os; print(os.environ['X_TEST'])"],
                    env={"X_TEST": "hello"})
        p.start()
        p.proc.wait(timeout=30)
        self.assertEqual(p.stdout_text().strip(), "hello")
        tmp = p.tmpdir
        p.cleanup()
        self.assertFalse(os.path.exists(tmp))

    def test_wait_for_line_reports_early_exit(self):
        p = Process([sys.executable, "-c", "import sys; sys.exit(3)"])
        self.addCleanup(p.cleanup)
        p.start()
        with self.assertRaises(RuntimeError):
            p.wait_for_line("never", timeout=10)

    def test_free_tmpdir_is_private(self):
        d = free_tmpdir()
        self.addCleanup(shutil.rmtree, d, True)
        self.assertEqual(os.stat(d).st_mode & 0o777, 0o700)


class EmulatorLifecycleTest(unittest.TestCase):
    def test_context_manager_stops_even_on_failure(self):
        emu = None
        with self.assertRaises(ZeroDivisionError):
            with Emulator() as emu:
                self.assertTrue(emu.url.startswith("http://127.0.0.1:"))
                1 / 0
        self.assertFalse(emu.process.running())
        self.assertEqual(emu.process.returncode, 0)

    def test_bad_args_fail_fast(self):
        with self.assertRaises(RuntimeError):
            Emulator("--listen", "0.0.0.0:0").start()

    def test_admin_helpers(self):
        with Emulator() as emu:
            self.assertEqual(emu.counters()["total"], 0)
            self.assertEqual(emu.approve(), 0)
            self.assertEqual(emu.shift_clock(10)["offset_seconds"], 10)
            self.assertEqual(emu.shift_clock(5)["offset_seconds"], 15)
            self.assertEqual(emu.settings(role_ttl=900)["role_ttl"], 900)
            self.assertEqual(len(emu.fault("*", "status500", count=2)["faults"]), 1)
            self.assertEqual(emu.clear_faults()["faults"], [])
            self.assertEqual(emu.state()["clients"], 0)
            with self.assertRaises(AdminError) as cm:
                emu.admin("GET", "nope")
            self.assertEqual(cm.exception.status, 404)


if __name__ == "__main__":
    unittest.main()
