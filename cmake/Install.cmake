# `cmake --install`: binaries (in their own CMakeLists), service files with the install
# prefix filled in, shell completions, man pages and docs.
set(ssocred_units ${CMAKE_BINARY_DIR}/units)
configure_file(${PROJECT_SOURCE_DIR}/systemd/ssocredd.service ${ssocred_units}/ssocredd.service @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/systemd/ssocredd.socket ${ssocred_units}/ssocredd.socket COPYONLY)
configure_file(${PROJECT_SOURCE_DIR}/launchd/com.github.ssocred.ssocredd.plist
               ${ssocred_units}/com.github.ssocred.ssocredd.plist @ONLY)

install(FILES ${ssocred_units}/ssocredd.service ${ssocred_units}/ssocredd.socket
        DESTINATION lib/systemd/user)
install(FILES ${ssocred_units}/com.github.ssocred.ssocredd.plist DESTINATION ${CMAKE_INSTALL_DATADIR}/ssocred/launchd)

install(FILES ${PROJECT_SOURCE_DIR}/client/completions/ssocred.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME ssocred)
install(FILES ${PROJECT_SOURCE_DIR}/client/completions/_ssocred DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${PROJECT_SOURCE_DIR}/client/completions/ssocred.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

install(FILES ${PROJECT_SOURCE_DIR}/docs/man/ssocred.1 ${PROJECT_SOURCE_DIR}/docs/man/ssocredd.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")
