# The sandbox stage's tests: namespaces, the two-host-or-more topology, pinned TCP settings.
add_executable(harness-sandbox ${CMAKE_CURRENT_LIST_DIR}/test_sandbox.cpp)
# GTest::gtest without gtest_main: the test brings its own main(), which must enter the user
# namespace while the process still has a single thread (unshare(CLONE_NEWUSER) requires it).
target_link_libraries(harness-sandbox PRIVATE socklab_sandbox socklab_net GTest::gtest)
# The prefix makes every test name start with its program, so `ctest -R harness-sandbox` selects
# them. TIMEOUT: a topology is built in well under a second, but a test waiting for the kernel
# to tear namespaces down allows up to 30 s for it, more under the sanitizers.
gtest_discover_tests(harness-sandbox
  TEST_PREFIX "harness-sandbox."
  DISCOVERY_TIMEOUT 60
  PROPERTIES TIMEOUT 120)
