#include "adapters/net/rtp/udp_media_session.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <cstring>

#include "adapters/net/rtp/media_worker.h"
#include "adapters/net/rtp/port_pool.h"
#include "common/log_value.h"

namespace callgate::rtp {

namespace asio = boost::asio;
using asio::ip::udp;

UdpMediaSession::UdpMediaSession(MediaWorker& worker, std::shared_ptr<PortPool> ports,
                                 udp::socket socket, uint16_t port)
    : worker_(worker), ports_(std::move(ports)), socket_(std::move(socket)), port_(port) {
  // Random SSRC, sequence and timestamp origin (RFC 3550 §5.1), from libsodium's CSPRNG; the
  // engine initialised libsodium before opening any session. One draw for the three (each
  // draw is a getrandom system call).
  std::array<uint8_t, sizeof ssrc_ + sizeof sequence_ + sizeof timestampBase_> r{};
  randombytes_buf(r.data(), r.size());
  std::memcpy(&ssrc_, r.data(), sizeof ssrc_);
  std::memcpy(&sequence_, r.data() + sizeof ssrc_, sizeof sequence_);
  std::memcpy(&timestampBase_, r.data() + sizeof ssrc_ + sizeof sequence_, sizeof timestampBase_);
}

UdpMediaSession::~UdpMediaSession() {
  boost::system::error_code ignored;
  socket_.close(ignored);
  releasePort();
}

asio::any_io_executor UdpMediaSession::executor() const { return worker_.context().get_executor(); }

template <typename F>
void UdpMediaSession::postToWorker(F&& f) {
  if (!worker_.running()) return;  // the engine has stopped: nothing runs any more
  asio::post(worker_.context(), std::forward<F>(f));
}

void UdpMediaSession::start(const MediaParams& params) {
  postToWorker([self = shared_from_this(), params] {
    // running() again: a start() racing MediaEngine::stop() must not add work after the
    // worker closed its sessions, or its thread would never finish.
    if (self->closed_ || self->started_ || !self->worker_.running()) return;
    self->started_ = true;
    self->applyParams(params, true);
    self->worker_.add(self);
    self->receive();
  });
}

void UdpMediaSession::update(const MediaParams& params) {
  postToWorker([self = shared_from_this(), params] {
    if (self->closed_) return;
    self->applyParams(params, false);
  });
}

void UdpMediaSession::play(std::vector<AudioPtr> clips, bool bargeIn,
                           std::function<void(bool)> done) {
  postToWorker([self = shared_from_this(), clips = std::move(clips), bargeIn,
                done = std::move(done)]() mutable {
    if (self->closed_) return;  // close() dropped every callback
    if (self->playing_) self->finishPlayback(true);
    std::erase_if(clips, [](const AudioPtr& clip) { return !clip || clip->samples.empty(); });
    if (clips.empty()) {
      if (done) done(false);
      return;
    }
    self->clips_ = std::move(clips);
    self->clipIndex_ = 0;
    self->clipOffset_ = 0;
    self->bargeIn_ = bargeIn;
    self->done_ = std::move(done);
    self->playing_ = true;
  });
}

void UdpMediaSession::stopPlayback() {
  postToWorker([self = shared_from_this()] {
    if (self->playing_) self->finishPlayback(true);
  });
}

void UdpMediaSession::onDigit(std::function<void(char)> handler) {
  postToWorker([self = shared_from_this(), handler = std::move(handler)]() mutable {
    if (self->closed_) return;
    self->digitHandler_ = std::move(handler);
  });
}

void UdpMediaSession::onAudio(std::function<void(std::span<const int16_t>)> handler) {
  postToWorker([self = shared_from_this(), handler = std::move(handler)]() mutable {
    if (self->closed_) return;
    self->audioHandler_ = std::move(handler);
  });
}

void UdpMediaSession::close() {
  postToWorker([self = shared_from_this()] { self->closeNow(); });
}

void UdpMediaSession::closeNow() {
  if (closed_) return;
  closed_ = true;
  if (started_) worker_.remove(this);
  boost::system::error_code ignored;
  socket_.close(ignored);  // the pending receive completes with operation_aborted
  releasePort();
  if (playing_) finishPlayback(true);
  digitHandler_ = nullptr;
  audioHandler_ = nullptr;
}

void UdpMediaSession::releasePort() {
  if (!portHeld_) return;
  portHeld_ = false;
  ports_->release(port_);
}

void UdpMediaSession::applyParams(const MediaParams& params, bool initial) {
  const bool wasOnHold = !initial && (params_.onHold || params_.remotePort == 0);
  const bool addressChanged = initial || params.remoteAddress != params_.remoteAddress ||
                              params.remotePort != params_.remotePort;
  const bool dtmfModeChanged =
      initial || (params.dtmfPayloadType < 0) != (params_.dtmfPayloadType < 0);
  params_ = params;
  silence_ = g711Silence(params.codec);
  if (addressChanged) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(params.remoteAddress, ec);
    haveRemote_ = !ec && params.remotePort != 0 && !address.is_unspecified();
    if (haveRemote_) {
      remote_ = udp::endpoint(address, params.remotePort);
    } else if (!params.remoteAddress.empty() && ec) {
      spdlog::warn("event=rtp_bad_remote_address port={} address={}", port_,
                   logValue(params.remoteAddress));
    }
    latched_ = false;  // a new address from SDP: latch again on the next packet
  }
  if (dtmfModeChanged) {
    events_.reset();
    inband_.reset();
  }
  const bool onHold = params.onHold || params.remotePort == 0;
  if (initial || (wasOnHold && !onHold)) markerPending_ = true;  // a new talk spurt
}

void UdpMediaSession::fillPayload(uint8_t* payload, bool& finished) {
  size_t filled = 0;
  while (playing_ && filled < kSamplesPerPacket) {
    const auto& samples = clips_[clipIndex_]->samples;
    const size_t n = std::min(kSamplesPerPacket - filled, samples.size() - clipOffset_);
    encodeG711(params_.codec, samples.data() + clipOffset_, n, payload + filled);
    filled += n;
    clipOffset_ += n;
    if (clipOffset_ == samples.size()) {
      clipOffset_ = 0;
      if (++clipIndex_ == clips_.size()) {
        playing_ = false;
        finished = true;
      }
    }
  }
  if (filled < kSamplesPerPacket)
    std::memset(payload + filled, silence_, kSamplesPerPacket - filled);
}

void UdpMediaSession::onTick(uint64_t tick) {
  if (closed_) return;
  bool finished = false;
  fillPayload(tx_.data() + kRtpHeaderBytes, finished);  // playback runs on hold too
  if (haveRemote_ && (params_.confirmed || latched_) && !params_.onHold &&
      params_.remotePort != 0) {
    RtpHeader header;
    header.marker = markerPending_;
    header.payloadType = static_cast<uint8_t>(params_.audioPayloadType);
    header.sequence = sequence_;
    header.timestamp = timestampBase_ + static_cast<uint32_t>(tick * kSamplesPerPacket);
    header.ssrc = ssrc_;
    writeRtpHeader(header, tx_.data());
    boost::system::error_code ec;  // a full socket buffer drops the packet, like the network
    socket_.send_to(asio::buffer(tx_), remote_, 0, ec);
    markerPending_ = false;
    ++sequence_;
  }
  if (finished) finishPlayback(false);
}

void UdpMediaSession::finishPlayback(bool interrupted) {
  playing_ = false;
  clips_.clear();
  auto done = std::move(done_);
  done_ = nullptr;
  if (done) done(interrupted);
}

void UdpMediaSession::receive() {
  socket_.async_receive_from(asio::buffer(rx_), rxFrom_,
                             [self = shared_from_this()](const boost::system::error_code& ec,
                                                         size_t n) { self->onReceive(ec, n); });
}

void UdpMediaSession::onReceive(const boost::system::error_code& ec, size_t bytes) {
  if (closed_ || ec == asio::error::operation_aborted) return;
  if (!ec) {
    const auto view = parseRtp(std::span<const uint8_t>(rx_.data(), bytes));
    const int pt = view ? view->header.payloadType : -1;
    const bool audio = pt == params_.audioPayloadType;
    const bool event = params_.dtmfPayloadType >= 0 && pt == params_.dtmfPayloadType;
    if (audio || event) {
      if (!latched_) {
        // Before the call is confirmed only the SDP address itself may latch (its owner then
        // shows it wants our media); anyone else could aim our stream at a third party.
        if (!params_.confirmed && !(haveRemote_ && rxFrom_ == remote_)) {
          if (!closed_) receive();
          return;
        }
        // Symmetric RTP (RFC 4961): answer where the caller's packets come from, which behind a
        // NAT is not the address in its SDP. Packets from anywhere else are ignored from now on.
        latched_ = true;
        remote_ = rxFrom_;
        haveRemote_ = true;
      }
      if (rxFrom_ == remote_) {
        if (event) {
          if (const auto te = parseTelephoneEvent(view->payload)) {
            const char digit = events_.accept(view->header.ssrc, view->header.timestamp, *te);
            if (digit != '\0') deliverDigit(digit);
          }
        } else if (params_.dtmfPayloadType < 0 || audioHandler_) {
          const size_t n = std::min(view->payload.size(), decoded_.size());
          decodeG711(params_.codec, view->payload.data(), n, decoded_.data());
          if (params_.dtmfPayloadType < 0)
            inband_.process(decoded_.data(), n, &UdpMediaSession::inbandDigit, this);
          // The handler may have been dropped by a digit handler that closed the session.
          if (audioHandler_ && !closed_ && n > 0)
            audioHandler_(std::span<const int16_t>(decoded_.data(), n));
        }
      }
    }
  }
  if (!closed_) receive();
}

void UdpMediaSession::inbandDigit(void* self, char digit) {
  static_cast<UdpMediaSession*>(self)->deliverDigit(digit);
}

void UdpMediaSession::deliverDigit(char digit) {
  if (closed_) return;
  if (playing_ && bargeIn_) finishPlayback(true);
  if (digitHandler_) digitHandler_(digit);
}

}  // namespace callgate::rtp
