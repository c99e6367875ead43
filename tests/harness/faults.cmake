# harness-faults: each fault acts as the real event does, in a fresh network namespace; and
# the trace queries the scenarios read those events with.
add_executable(harness-faults ${CMAKE_CURRENT_LIST_DIR}/test_faults.cpp
                               ${CMAKE_CURRENT_LIST_DIR}/fixtures/sandbox_test_main.cpp)
# fixtures/sandbox_test_main.cpp: enter_sandbox() runs before GoogleTest starts any thread.
target_link_libraries(harness-faults PRIVATE socklab_faults socklab_capture socklab_sandbox
                                             socklab_net GTest::gtest)
set_target_properties(harness-faults PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
gtest_discover_tests(harness-faults
  TEST_PREFIX "harness-faults."
  DISCOVERY_TIMEOUT 60
  PROPERTIES TIMEOUT 120)
