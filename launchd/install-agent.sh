#!/bin/sh
# Installs the ssocredd LaunchAgent for the current user and starts it (macOS).
#
#   install-agent.sh            write ~/Library/LaunchAgents/com.github.ssocred.ssocredd.plist,
#                               create its directories, (re)bootstrap it in gui/$UID
#   install-agent.sh --print    only print the plist this user would get
#   install-agent.sh --uninstall  bootout and remove the plist
#
# launchd expands neither ~ nor variables in a plist, so the template's __HOME__ is
# replaced here with $HOME. The control socket ends up where ssocred looks by default on
# macOS: ~/Library/Application Support/ssocred/ssocredd.sock.
set -eu

label=com.github.ssocred.ssocredd
template=${SSOCRED_PLIST_TEMPLATE:-$(dirname "$0")/$label.plist}
agent="$HOME/Library/LaunchAgents/$label.plist"
domain="gui/$(id -u)"

render() {
    case "$HOME" in
        /*) ;;
        *) echo "install-agent.sh: HOME must be an absolute path" >&2; exit 1 ;;
    esac
    # Escape what sed's replacement treats specially (\, & and the | delimiter); XML-escape
    # what a plist string cannot hold literally (& and <).
    home_xml=$(printf '%s' "$HOME" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g')
    home_sed=$(printf '%s' "$home_xml" | sed -e 's/[\\&|]/\\&/g')
    sed "s|__HOME__|$home_sed|g" "$template"
}

case "${1:-}" in
    --print)
        render
        ;;
    --uninstall)
        launchctl bootout "$domain/$label" 2>/dev/null || true
        rm -f "$agent"
        ;;
    "")
        mkdir -p "$HOME/Library/LaunchAgents" "$HOME/Library/Logs/ssocred"
        mkdir -p "$HOME/Library/Application Support/ssocred"
        chmod 700 "$HOME/Library/Application Support/ssocred"
        render >"$agent.tmp"
        plutil -lint "$agent.tmp" >/dev/null
        mv "$agent.tmp" "$agent"
        launchctl bootout "$domain/$label" 2>/dev/null || true
        launchctl bootstrap "$domain" "$agent"
        echo "ssocredd LaunchAgent installed: $agent"
        ;;
    *)
        echo "usage: $0 [--print|--uninstall]" >&2
        exit 2
        ;;
esac
