// Test doubles for the outbound HTTP port: a ScriptedHttpClient that records every request and
// answers from a script, and a FakeBackoffClock whose sleepFor() only advances its time, so
// retry tests run instantly. Single-threaded use only.
#pragma once

#include <deque>
#include <vector>

#include "adapters/net/http_client/http_client.h"
#include "adapters/net/http_client/retrying_http_client.h"

namespace callgate::testing {

class ScriptedHttpClient : public HttpClient {
 public:
  // Each send() takes the next scripted outcome; once the script is used up, `fallback` answers.
  void script(Result<HttpClientResponse> outcome) { outcomes_.push_back(std::move(outcome)); }
  void respond(int status, std::string body = "",
               std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpClientResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    script(r);
  }
  void fail(Error error) { script(std::move(error)); }

  Result<HttpClientResponse> send(const HttpClientRequest& request) override {
    requests.push_back(request);
    if (clock != nullptr) clock->sleepFor(attemptDuration);
    if (outcomes_.empty()) return fallback;
    Result<HttpClientResponse> next = std::move(outcomes_.front());
    outcomes_.pop_front();
    return next;
  }

  std::vector<HttpClientRequest> requests;
  Result<HttpClientResponse> fallback = HttpClientResponse{200, {}, ""};
  BackoffClock* clock = nullptr;  // when set, every attempt takes attemptDuration
  Millis attemptDuration{0};

 private:
  std::deque<Result<HttpClientResponse>> outcomes_;
};

class FakeBackoffClock : public BackoffClock {
 public:
  Millis now() const override { return now_; }
  void sleepFor(Millis delay) override {
    sleeps.push_back(delay);
    now_ += delay;
  }
  std::vector<Millis> sleeps;  // includes simulated attempt durations when wired that way

 private:
  Millis now_{1'000'000};
};

}  // namespace callgate::testing
