# Sanitizer builds: -DEXEMPLAR_SANITIZE=address,undefined (ASan + UBSan) or =thread (TSan).
# Applied to every target of the project (engine, CLI, GUI, tests); Qt and OpenCV stay
# uninstrumented system libraries. Any UBSan finding aborts (no recovery), so a test that
# triggers one fails instead of printing a warning nobody reads. See CMakePresets.json and
# scripts/sanitize.sh for the ready-made builds.
set(EXEMPLAR_SANITIZE "" CACHE STRING
    "Sanitizers to build with: empty, address,undefined or thread")
set_property(CACHE EXEMPLAR_SANITIZE PROPERTY STRINGS "" "address,undefined" "thread")

if(EXEMPLAR_SANITIZE)
  if(EXEMPLAR_SANITIZE MATCHES "thread" AND EXEMPLAR_SANITIZE MATCHES "address")
    message(FATAL_ERROR "EXEMPLAR_SANITIZE: thread and address sanitizers cannot be combined")
  endif()
  message(STATUS "Sanitizers: ${EXEMPLAR_SANITIZE}")
  # -g1 (line tables) after the configuration's -g: a report's stack still names file and line,
  # while full debug information made the instrumented build and its links about a third slower.
  add_compile_options(-fsanitize=${EXEMPLAR_SANITIZE} -fno-omit-frame-pointer -g1)
  if(EXEMPLAR_SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
  add_link_options(-fsanitize=${EXEMPLAR_SANITIZE})
endif()
