// Broken submission: a syntax error and an undeclared name, as a first attempt often has.
#include <cstdio>

int main() {
  int listener = socket(AF_INET, SOCK_STREAM, 0) std::printf("listening on 127.0.0.1:%d\n", port);
  return listener;
}
