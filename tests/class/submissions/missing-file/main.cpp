// Broken submission: the right program in the wrong file (the lab builds server.cpp).
int main() { return 0; }
