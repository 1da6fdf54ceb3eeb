// The desktop's own "open this URL" command, for the CLI's browser sign-in when $BROWSER is
// not set (client/process.cpp open_in_browser, client/login_flow.cpp choose_flow).
#pragma once

namespace ssocred::platform {

struct UrlOpener {
    const char* command;  // looked up in $PATH
    // True when a browser can only open under a display server (X11/Wayland: DISPLAY or
    // WAYLAND_DISPLAY set); without one, sign-in uses the device code flow. False where
    // the desktop is always there for a logged-in person (macOS).
    bool needs_display_server;
};

// macOS: `open`; elsewhere the freedesktop `xdg-open`.
UrlOpener url_opener() noexcept;

}  // namespace ssocred::platform
