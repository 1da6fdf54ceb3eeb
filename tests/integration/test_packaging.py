"""`cpack -G DEB` from the build tree under test: the package's metadata and contents, and the
binaries it installs run. As root (CI) the .deb is installed with dpkg and removed again;
otherwise it is unpacked with dpkg-deb -x and the binaries are run from there.
"""
import glob
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from daemon_harness import build_platform

BUILD = os.environ.get("SSOCRED_BIN_DIR", "")
PACKAGE = "ssocred"

EXPECTED_FILES = [
    "usr/bin/ssocred",
    "usr/bin/ssocredd",
    "usr/lib/systemd/user/ssocredd.service",
    "usr/lib/systemd/user/ssocredd.socket",
    "usr/share/bash-completion/completions/ssocred",
    "usr/share/zsh/vendor-completions/_ssocred",
    "usr/share/fish/vendor_completions.d/ssocred.fish",
    "usr/share/man/man1/ssocred.1",
    "usr/share/man/man1/ssocredd.1",
    "usr/share/doc/ssocred/README.md",
    "usr/share/doc/ssocred/install.md",
]


def run(*args, timeout=600, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)


def project_version():
    with open(os.path.join(BUILD, "CMakeCache.txt")) as f:
        m = re.search(r"^CMAKE_PROJECT_VERSION:STATIC=(.+)$", f.read(), re.M)
    assert m, "no CMAKE_PROJECT_VERSION in CMakeCache.txt"
    return m.group(1)


def installed_version(name):
    r = run("dpkg-query", "-W", "-f=${Status}", name)
    return r.returncode == 0 and "install ok installed" in r.stdout


class DebPackage(unittest.TestCase):
    deb = None
    tmp = None

    @classmethod
    def setUpClass(cls):
        if not BUILD or not os.path.exists(os.path.join(BUILD, "CPackConfig.cmake")):
            raise AssertionError(f"no CPackConfig.cmake in {BUILD!r}: cmake/Packaging.cmake")
        cls.tmp = tempfile.mkdtemp(prefix="ssocred-deb-")
        r = run("cpack", "-G", "DEB", "--config", os.path.join(BUILD, "CPackConfig.cmake"),
                "-B", cls.tmp, cwd=BUILD)
        if r.returncode != 0:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise AssertionError(f"cpack failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
        debs = glob.glob(os.path.join(cls.tmp, "*.deb"))
        if len(debs) != 1:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise AssertionError(f"expected one .deb, got {debs}")
        cls.deb = debs[0]

    @classmethod
    def tearDownClass(cls):
        if cls.tmp:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def field(self, name):
        r = run("dpkg-deb", "-f", self.deb, name)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip()

    def test_metadata(self):
        version = project_version()
        self.assertTrue(os.path.basename(self.deb).startswith(f"{PACKAGE}_{version}"), self.deb)
        self.assertEqual(self.field("Package"), PACKAGE)
        self.assertTrue(self.field("Version").startswith(version), self.field("Version"))
        self.assertIn("@", self.field("Maintainer"))
        self.assertEqual(self.field("Section"), "admin")
        self.assertTrue(self.field("Homepage").startswith("https://"))
        self.assertTrue(self.field("Description"))
        arch = run("dpkg", "--print-architecture").stdout.strip()
        self.assertEqual(self.field("Architecture"), arch)
        # dpkg-shlibdeps found the shared libraries the binaries link.
        depends = self.field("Depends")
        # libsystemd only where the build uses it (the journal, sd-bus notices); the portable
        # build has none.
        expected = ["libc6", "libssl3"] + (["libsystemd0"] if build_platform()["journal"] else [])
        for lib in expected:
            self.assertIn(lib, depends)
        if not build_platform()["journal"]:
            self.assertNotIn("libsystemd0", depends)

    def test_contents(self):
        r = run("dpkg-deb", "-c", self.deb)
        self.assertEqual(r.returncode, 0, r.stderr)
        listed = {line.split()[-1].lstrip(".").lstrip("/") for line in r.stdout.splitlines()
                  if line.strip()}
        for path in EXPECTED_FILES:
            self.assertIn(path, listed)
        # The two programs and nothing else of the build (no emulator, no test binaries).
        self.assertEqual(sorted(p for p in listed if p.startswith("usr/bin/") and p != "usr/bin/"),
                         ["usr/bin/ssocred", "usr/bin/ssocredd"])
        self.assertFalse([p for p in listed if not p.startswith("usr/")])
        # The LaunchAgent is for macOS builds only.
        self.assertFalse([p for p in listed if p.endswith(".plist")])

    def extract(self):
        root = os.path.join(self.tmp, "root")
        shutil.rmtree(root, ignore_errors=True)
        r = run("dpkg-deb", "-x", self.deb, root)
        self.assertEqual(r.returncode, 0, r.stderr)
        return root

    def test_units_name_the_packaged_binary(self):
        root = self.extract()
        with open(os.path.join(root, "usr/lib/systemd/user/ssocredd.service")) as f:
            service = f.read()
        self.assertIn("\nExecStart=/usr/bin/ssocredd\n", service)
        self.assertNotIn("@CMAKE_", service)

    def check_versions(self, ssocred, ssocredd):
        version = project_version()
        for binary, name in ((ssocred, "ssocred"), (ssocredd, "ssocredd")):
            r = run(binary, "--version", timeout=30)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.strip(), f"{name} {version}")

    def test_installs_and_runs(self):
        if os.geteuid() != 0 or not shutil.which("dpkg"):
            print("not root: unpacking with dpkg-deb -x and running the binaries from there "
                  "instead of installing with dpkg -i")
            root = self.extract()
            self.check_versions(os.path.join(root, "usr/bin/ssocred"),
                                os.path.join(root, "usr/bin/ssocredd"))
            return
        foreign = [p for p in ("/usr/bin/ssocred", "/usr/bin/ssocredd") if os.path.exists(p)]
        if installed_version(PACKAGE) or foreign:
            print(f"{PACKAGE} (or {foreign}) is already on this machine; not replacing it: "
                  "unpacking with dpkg-deb -x instead")
            root = self.extract()
            self.check_versions(os.path.join(root, "usr/bin/ssocred"),
                                os.path.join(root, "usr/bin/ssocredd"))
            return
        print(f"root: installing {os.path.basename(self.deb)} with dpkg -i (purged afterwards)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        try:
            r = run("dpkg", "-i", self.deb, env=env)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertTrue(installed_version(PACKAGE))
            self.check_versions("/usr/bin/ssocred", "/usr/bin/ssocredd")
            self.assertTrue(os.path.exists("/usr/lib/systemd/user/ssocredd.socket"))
        finally:
            r = run("dpkg", "--purge", PACKAGE, env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertFalse(installed_version(PACKAGE))
        self.assertFalse(os.path.exists("/usr/bin/ssocredd"))


class CmakeInstall(unittest.TestCase):
    """`cmake --install --prefix X`: the same files under X, and units naming X/bin/ssocredd
    (the path is filled in at install time, not at configure time)."""

    def test_install_into_a_prefix(self):
        tmp = tempfile.mkdtemp(prefix="ssocred-install-")
        self.addCleanup(shutil.rmtree, tmp, True)
        prefix = os.path.join(tmp, "opt", "ssocred")
        r = run("cmake", "--install", BUILD, "--prefix", prefix)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for path in EXPECTED_FILES:
            self.assertTrue(os.path.exists(os.path.join(prefix, path[len("usr/"):])), path)
        with open(os.path.join(prefix, "lib/systemd/user/ssocredd.service")) as f:
            self.assertIn(f"\nExecStart={prefix}/bin/ssocredd\n", f.read())
        self.assertTrue(os.access(os.path.join(prefix, "bin/ssocredd"), os.X_OK))


if __name__ == "__main__":
    unittest.main()
