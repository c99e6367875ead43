# harness-client-lab: what the client labs (nbconnect) need of the harness: a scenario's own
find_package(nlohmann_json REQUIRED)
# /etc/hosts for the program under test, and a verdict for every way a client breaks the
# contract, shown with harness-fake-client.
add_executable(harness-fake-client ${CMAKE_CURRENT_LIST_DIR}/fixtures/fake_client.cpp)
add_executable(harness-client-lab ${CMAKE_CURRENT_LIST_DIR}/test_hosts_file.cpp
                                  ${CMAKE_CURRENT_LIST_DIR}/test_client_lab_verdicts.cpp
                                  ${CMAKE_CURRENT_LIST_DIR}/fixtures/sandbox_test_main.cpp)
target_include_directories(harness-client-lab PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(harness-client-lab PRIVATE socklab_process socklab_sandbox socklab_net
                                                 GTest::gtest nlohmann_json::nlohmann_json)
target_compile_definitions(harness-client-lab PRIVATE
  SOCKLAB_BIN_DIR="${CMAKE_BINARY_DIR}/bin"
  SOCKLAB_FAKE_CLIENT="$<TARGET_FILE:harness-fake-client>")
add_dependencies(harness-client-lab harness-fake-client socklab)
set_target_properties(harness-client-lab harness-fake-client PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
gtest_discover_tests(harness-client-lab
  TEST_PREFIX "harness-client-lab."
  DISCOVERY_TIMEOUT 60
  PROPERTIES TIMEOUT 120)

# harness-manifest: the lab manifests (labs/*/lab.toml), read exactly or refused with a reason.
add_executable(harness-manifest ${CMAKE_CURRENT_LIST_DIR}/test_lab_manifest.cpp)
target_link_libraries(harness-manifest PRIVATE socklab_engine GTest::gtest_main)
set_target_properties(harness-manifest PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
gtest_discover_tests(harness-manifest TEST_PREFIX "harness-manifest." DISCOVERY_TIMEOUT 60)
