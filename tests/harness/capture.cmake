# harness-capture: PacketCapture on lo of a fresh network namespace, read back with libpcap.
# The test reads the pcap file back itself. harness/ found libpcap in its own directory scope,
# which does not reach here.
if(NOT TARGET PkgConfig::LIBPCAP)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(LIBPCAP REQUIRED IMPORTED_TARGET libpcap)
endif()
add_executable(harness-capture ${CMAKE_CURRENT_LIST_DIR}/test_packet_capture.cpp
                               ${CMAKE_CURRENT_LIST_DIR}/fixtures/sandbox_test_main.cpp)
# fixtures/sandbox_test_main.cpp: enter_sandbox() runs before GoogleTest starts any thread.
target_link_libraries(harness-capture PRIVATE socklab_capture socklab_sandbox socklab_net
                                              PkgConfig::LIBPCAP GTest::gtest GTest::gmock)
set_target_properties(harness-capture PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
gtest_discover_tests(harness-capture
  TEST_PREFIX "harness-capture."
  DISCOVERY_TIMEOUT 60
  PROPERTIES TIMEOUT 120)
