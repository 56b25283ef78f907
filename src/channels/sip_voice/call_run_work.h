// What CallRun's source files share (call_run.cc, call_run_speech.cc): posting to the call's
// executor and to a worker pool. Internal to the SIP voice channel.
#pragma once

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <utility>

#include "channels/sip_voice/call_run.h"
#include "common/metrics_catalog.h"

namespace callgate::sip_voice {

// Runs `f` on the worker pool, counted in callgate_worker_queue_depth while it waits there.
template <typename F>
inline void postWork(boost::asio::thread_pool& workers, F&& f) {
  metrics::workerQueueDepth().with().add();
  boost::asio::post(workers, [f = std::forward<F>(f)]() mutable {
    metrics::workerQueueDepth().with().sub();
    f();
  });
}

template <typename F>
void CallRun::post(F&& f) {
  boost::asio::post(media_->executor(), std::forward<F>(f));
}

}  // namespace callgate::sip_voice
