// UdpMediaSession: the MediaSession of the engine, one UDP socket on a worker's io_context.
// Internal to src/adapters/rtp (the runtime sees only MediaSession). All state below the public
// interface is touched only on the worker's thread; the public methods post there.
// The transmit packet (header + 160 payload bytes) is one fixed buffer rewritten in place every
// tick and sent with one sendto; receive uses one fixed buffer; decoding (in-band DTMF, the
// audio tap) uses one fixed sample buffer. The only allocations are at open, start, play and close.
#pragma once

#include <array>
#include <boost/asio/ip/udp.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "adapters/net/rtp/inband_dtmf.h"
#include "adapters/net/rtp/media_session.h"
#include "adapters/net/rtp/rtp_packet.h"

namespace callgate::rtp {

class MediaWorker;
class PortPool;

class UdpMediaSession final : public MediaSession,
                              public std::enable_shared_from_this<UdpMediaSession> {
 public:
  // Takes a socket already bound to `port` (held in `ports`).
  UdpMediaSession(MediaWorker& worker, std::shared_ptr<PortPool> ports,
                  boost::asio::ip::udp::socket socket, uint16_t port);
  ~UdpMediaSession() override;

  uint16_t localPort() const override { return port_; }
  boost::asio::any_io_executor executor() const override;
  void start(const MediaParams& params) override;
  void update(const MediaParams& params) override;
  void play(std::vector<AudioPtr> clips, bool bargeIn, std::function<void(bool)> done) override;
  void stopPlayback() override;
  void onDigit(std::function<void(char)> handler) override;
  void onAudio(std::function<void(std::span<const int16_t>)> handler) override;
  void close() override;

  // Worker thread only.
  void onTick(uint64_t tick);
  void closeNow();
  size_t workerSlot() const { return workerSlot_; }
  void setWorkerSlot(size_t slot) { workerSlot_ = slot; }

 private:
  static constexpr size_t kMaxDatagram = 2048;

  template <typename F>
  void postToWorker(F&& f);
  void applyParams(const MediaParams& params, bool initial);
  void receive();
  void onReceive(const boost::system::error_code& ec, size_t bytes);
  void deliverDigit(char digit);
  static void inbandDigit(void* self, char digit);
  void fillPayload(uint8_t* payload, bool& finished);
  void finishPlayback(bool interrupted);
  void releasePort();

  MediaWorker& worker_;
  std::shared_ptr<PortPool> ports_;
  boost::asio::ip::udp::socket socket_;
  const uint16_t port_;
  size_t workerSlot_ = 0;
  bool portHeld_ = true;

  bool started_ = false;
  bool closed_ = false;
  MediaParams params_;
  uint8_t silence_ = 0xFF;
  boost::asio::ip::udp::endpoint remote_;  // where packets go (SDP, then the latch)
  bool haveRemote_ = false;
  bool latched_ = false;
  bool markerPending_ = true;

  // Transmit state.
  uint32_t ssrc_ = 0;
  uint16_t sequence_ = 0;
  uint32_t timestampBase_ = 0;
  std::array<uint8_t, kRtpHeaderBytes + kSamplesPerPacket> tx_{};

  // Playback.
  std::vector<AudioPtr> clips_;
  size_t clipIndex_ = 0;
  size_t clipOffset_ = 0;
  bool playing_ = false;
  bool bargeIn_ = false;
  std::function<void(bool)> done_;

  // Receive.
  std::array<uint8_t, kMaxDatagram> rx_{};
  boost::asio::ip::udp::endpoint rxFrom_;
  // One received packet's payload, decoded (in-band DTMF and the audio tap); G.711 is one
  // sample per byte, so any payload that fits rx_ fits here.
  std::array<int16_t, kMaxDatagram> decoded_{};
  TelephoneEventReceiver events_;
  InbandDtmfDetector inband_;
  std::function<void(char)> digitHandler_;
  std::function<void(std::span<const int16_t>)> audioHandler_;
};

}  // namespace callgate::rtp
