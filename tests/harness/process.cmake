# harness-process: SupervisedProcess against harness-fake-server, a program whose modes are the
# ways a student's server behaves (listens, never prints, crashes, ignores SIGTERM, forks...).
add_executable(harness-fake-server ${CMAKE_CURRENT_LIST_DIR}/fixtures/fake_server.cpp)
target_link_libraries(harness-fake-server PRIVATE Threads::Threads)

add_executable(harness-process ${CMAKE_CURRENT_LIST_DIR}/test_supervised_process.cpp)
# Its own main(): enter_sandbox() must run before GoogleTest starts any thread.
target_link_libraries(harness-process PRIVATE socklab_process socklab_sandbox socklab_net
                                              GTest::gtest GTest::gmock)
target_compile_definitions(harness-process PRIVATE
  SOCKLAB_FAKE_SERVER="$<TARGET_FILE:harness-fake-server>")
add_dependencies(harness-process harness-fake-server)
# Test programs stay beside this file's build directory; build/bin is for the kit's programs.
set_target_properties(harness-process harness-fake-server PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
# TIMEOUT: the slowest test waits 10 s at most for an event that a broken build never sends.
gtest_discover_tests(harness-process
  TEST_PREFIX "harness-process."
  DISCOVERY_TIMEOUT 60
  PROPERTIES TIMEOUT 120)

# harness-busy-loop: the busy-loop rule (CPU time, and schedstat's runnable time on a loaded
# machine) and the schedstat reader, against this test's own spinning thread.
add_executable(harness-busy-loop ${CMAKE_CURRENT_LIST_DIR}/test_busy_loop.cpp)
target_link_libraries(harness-busy-loop PRIVATE socklab_engine Threads::Threads GTest::gtest_main)
set_target_properties(harness-busy-loop PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
gtest_discover_tests(harness-busy-loop TEST_PREFIX "harness-busy-loop." DISCOVERY_TIMEOUT 60
                     PROPERTIES TIMEOUT 60)

# harness-voluntary-switches: how often a process slept, summed over its threads (bench peers).
add_executable(harness-voluntary-switches ${CMAKE_CURRENT_LIST_DIR}/test_voluntary_switches.cpp)
target_link_libraries(harness-voluntary-switches PRIVATE socklab_process Threads::Threads
                      GTest::gtest_main)
set_target_properties(harness-voluntary-switches PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
gtest_discover_tests(harness-voluntary-switches TEST_PREFIX "harness-voluntary-switches."
                     DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 60)
