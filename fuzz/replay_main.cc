// Replays fuzz corpora through a fuzz target's LLVMFuzzerTestOneInput without libFuzzer, so the
// normal (gcc) build runs every seed and every crash ever found as a regression test (ctest -L
// fuzz). Usage: fuzz_<target> <dir-or-file>...; each file is one input, directories are read
// (not recursively) in name order. Exit 0 when every input ran; 2 when there is nothing to run,
// i.e. no argument, a missing path or an empty directory (a corpus that silently vanished must
// fail the test, not pass with nothing replayed). A finding aborts the process like any crash.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

bool readFile(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <corpus dir or file>...\n", argv[0]);
    return 2;
  }
  size_t ran = 0;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg = argv[i];
    std::error_code ec;
    std::vector<fs::path> files;
    if (fs::is_directory(arg, ec)) {
      for (const auto& entry : fs::directory_iterator(arg, ec)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      if (files.empty()) {
        std::fprintf(stderr, "%s: corpus directory is empty or unreadable\n", argv[i]);
        return 2;
      }
    } else if (fs::is_regular_file(arg, ec)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "%s: no such corpus directory or file\n", argv[i]);
      return 2;
    }
    std::sort(files.begin(), files.end());
    std::string data;
    for (const auto& file : files) {
      if (!readFile(file, data)) {
        std::fprintf(stderr, "%s: cannot read\n", file.c_str());
        return 2;
      }
      // A copy in its own allocation, so ASan (make sanitize) sees reads past the end.
      std::vector<uint8_t> input(data.begin(), data.end());
      LLVMFuzzerTestOneInput(input.data(), input.size());
      ++ran;
    }
  }
  std::printf("replayed %zu inputs\n", ran);
  return 0;
}
