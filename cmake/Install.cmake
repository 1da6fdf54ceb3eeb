# `cmake --install`: binaries (in their own CMakeLists), service files with the install
# prefix filled in, shell completions, man pages and docs.
#
# The service files name the daemon by absolute path (systemd's ExecStart=, launchd's
# ProgramArguments) and neither expands variables there. So they are configured twice:
#  - at configure time into <build>/units, with CMAKE_INSTALL_PREFIX (what the tests read);
#  - at install time with the prefix that install really uses, so `cmake --install
#    --prefix X` and cpack (which installs into /usr) name a binary that exists.
set(ssocred_units ${CMAKE_BINARY_DIR}/units)
set(ssocred_unit_templates ${PROJECT_SOURCE_DIR}/systemd/ssocredd.service
                           ${PROJECT_SOURCE_DIR}/systemd/ssocredd.socket
                           ${PROJECT_SOURCE_DIR}/launchd/com.github.ssocred.ssocredd.plist)
foreach(template IN LISTS ssocred_unit_templates)
    get_filename_component(name ${template} NAME)
    configure_file(${template} ${ssocred_units}/${name} @ONLY)
endforeach()

# systemd user units everywhere but macOS; the LaunchAgent template and its installer on
# macOS (the plist needs the user's home filled in: launchd/install-agent.sh).
if(APPLE)
    set(ssocred_installed_units ${PROJECT_SOURCE_DIR}/launchd/com.github.ssocred.ssocredd.plist)
    set(ssocred_unit_dir ${CMAKE_INSTALL_DATADIR}/ssocred/launchd)
    install(PROGRAMS ${PROJECT_SOURCE_DIR}/launchd/install-agent.sh DESTINATION ${ssocred_unit_dir})
else()
    set(ssocred_installed_units ${PROJECT_SOURCE_DIR}/systemd/ssocredd.service
                                ${PROJECT_SOURCE_DIR}/systemd/ssocredd.socket)
    set(ssocred_unit_dir lib/systemd/user)  # /usr/lib/systemd/user, /usr/local/lib/systemd/user
endif()
# Runs at install time: CMAKE_INSTALL_PREFIX is this install's; file(INSTALL) applies
# DESTDIR and records the files in install_manifest.txt.
install(CODE "
    set(CMAKE_INSTALL_FULL_BINDIR \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
    foreach(template ${ssocred_installed_units})
        get_filename_component(name \${template} NAME)
        configure_file(\${template} \"${CMAKE_BINARY_DIR}/units-install/\${name}\" @ONLY)
        file(INSTALL \"${CMAKE_BINARY_DIR}/units-install/\${name}\"
             DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${ssocred_unit_dir}\"
             FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
    endforeach()
")

install(FILES ${PROJECT_SOURCE_DIR}/client/completions/ssocred.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME ssocred)
install(FILES ${PROJECT_SOURCE_DIR}/client/completions/_ssocred DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${PROJECT_SOURCE_DIR}/client/completions/ssocred.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

install(FILES ${PROJECT_SOURCE_DIR}/docs/man/ssocred.1 ${PROJECT_SOURCE_DIR}/docs/man/ssocredd.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")

# `cpack -G DEB`: the package is made from the install rules above.
include(${CMAKE_CURRENT_LIST_DIR}/Packaging.cmake)
