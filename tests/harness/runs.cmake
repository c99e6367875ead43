# harness-runs: socklab run as users run it: the references pass every lab, Ctrl-C cleans up,
# a paused harness does not blame the server.
find_package(nlohmann_json REQUIRED)
add_executable(harness-runs ${CMAKE_CURRENT_LIST_DIR}/test_references_pass.cpp
                            ${CMAKE_CURRENT_LIST_DIR}/test_interrupted_run.cpp
                            ${CMAKE_CURRENT_LIST_DIR}/test_paused_harness.cpp)
target_include_directories(harness-runs PRIVATE ${PROJECT_SOURCE_DIR})
target_compile_definitions(harness-runs PRIVATE SOCKLAB_BIN_DIR="${CMAKE_BINARY_DIR}/bin")
target_link_libraries(harness-runs PRIVATE GTest::gtest_main nlohmann_json::nlohmann_json)
add_dependencies(harness-runs socklab ref-blocking ref-select ref-poll ref-epoll-lt ref-epoll-et ref-nbconnect ref-close)
set_target_properties(harness-runs PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
# TIMEOUT: a whole lab under sanitizers on a loaded 2-core machine takes well under a minute.
gtest_discover_tests(harness-runs DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
