// What asr_bench measured, per utterance, and how it is reported: the per-condition table, the
// same figures by voice family, way of speaking, noise, level and tempo, the totals, the issue's
// goals (GOAL MET / NOT MET) and, when CALLGATE_BENCH_RESULTS names a file, one JSON line per
// headline figure. Used by asr_bench only; single-threaded (after the decodes).
#pragma once

#include <string>
#include <vector>

#include "bench/asr/conditions.h"
#include "bench/asr/corpus.h"

namespace callgate::asrbench {

double median(std::vector<double> v);  // 0 for none
double threadCpu();                    // this thread's CPU time, seconds

struct Item {
  Voice voice;
  double rate = 1.0;
  size_t condition = 0;  // index into the condition matrix
  std::string digits;
  std::vector<std::string> chunks;  // what is said (conditions.h)
  uint64_t seed = 0;                // the rendering's noise and pauses
};

struct Outcome {
  bool firstRight = false, baselineRight = false, confidentFirst = false;
  bool finalRight = false, acceptedWrong = false, gaveUp = false;
  bool alwaysRight = false, alwaysWrong = false;
  int attempts = 0;
  bool parts = false;        // the Auto dialog went on group by group (SpeechTurn's parts)
  int rightAlternative = 0;  // 1-based rank of the truth among the alternatives, 0: not there
  int alternatives = 0;
  int answers[2] = {0, 0}, misheard[2] = {0, 0};  // yes/no answers of the Auto / Always dialog
  double rtf = 0, baselineRtf = 0, posterior = 0, confidence = 0, gap = -1, score = 0;
  std::string hyp, second, baselineHyp;
};

struct ReportOptions {
  double threshold = 0.6;
  int maxAttempts = 3;
  double gapScale = 2.5;
  bool firstOnly = false;
  bool secondOpinion = false;  // RTF label: the confidence needs a second decode
  std::string details;         // TSV of every utterance, when not empty
  std::string resultsFile;     // CALLGATE_BENCH_RESULTS
};

void printReport(const std::vector<Item>& items, const std::vector<Outcome>& out,
                 const std::vector<Condition>& conditions, size_t strings,
                 const ReportOptions& options);

}  // namespace callgate::asrbench
