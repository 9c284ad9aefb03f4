#include "inspect/redact.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "format/trace_reader.h"
#include "inspect/doorbell_packets.h"
#include "replay/replay_trace.h"
#include "tests/inspect/inspect_fixtures.h"
#include "tests/support/temp_dir.h"

namespace amdrr::inspect {
namespace {

bool contains(const std::vector<uint8_t>& hay, const std::vector<uint8_t>& needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

TEST(Redact, NoOriginalBytesCommandLineOrEnvironmentLeft) {
  testing::TempDir dir;
  testing::write_inspect_trace(dir.file("t.amdrr"));
  RedactOptions options;
  options.keep_labels = {"run"};
  RedactSummary s = redact_trace(dir.file("t.amdrr"), dir.file("public.amdrr"), options);
  ASSERT_TRUE(s.error.empty()) << s.error;
  EXPECT_EQ(s.writes_redacted, 1u);
  EXPECT_EQ(s.bytes_redacted, testing::secret_bytes().size());
  EXPECT_EQ(s.annotations_kept, 1u);
  EXPECT_EQ(s.annotations_dropped, 1u);

  std::string error;
  auto reader = format::TraceReader::open(dir.file("public.amdrr"), &error);
  ASSERT_TRUE(reader) << error;
  EXPECT_EQ(reader->header().getCommandLine().size(), 0u);
  EXPECT_EQ(reader->header().getEnvironment().size(), 0u);
  EXPECT_EQ(reader->header().getHost().size(), 0u);
  EXPECT_EQ(reader->header().getGpus()[0].getGpuId(), testing::kGpuId);
  const std::vector<uint8_t> secret = testing::secret_bytes();
  const std::vector<uint8_t> needle(secret.begin() + 100, secret.begin() + 116);
  uint64_t writes = 0, doorbells = 0;
  std::vector<std::string> labels;
  while (auto v = reader->next()) {
    auto r = v->record;
    if (r.which() == schema::Record::MEM_WRITE) {
      std::vector<uint8_t> bytes;
      ASSERT_TRUE(reader->read_blob(blob_id(r.getMemWrite().getContent()), &bytes, &error));
      EXPECT_EQ(bytes.size(), secret.size());
      std::vector<uint8_t> pattern(bytes.size());
      redaction_pattern(r.getMemWrite().getVa(), pattern.data(), pattern.size());
      EXPECT_EQ(bytes, pattern);
      ++writes;
    }
    if (r.which() == schema::Record::DOORBELL) ++doorbells;
    if (r.which() == schema::Record::ANNOTATION) labels.push_back(r.getAnnotation().getLabel());
  }
  EXPECT_EQ(reader->end(), format::TraceEnd::kClean) << reader->end_message();
  EXPECT_EQ(writes, 1u);
  EXPECT_EQ(doorbells, 2u);
  EXPECT_EQ(labels, std::vector<std::string>{"run"});

  // Nowhere in the file, compressed or not, are the secrets.
  std::string cmd =
      "zstd -dcq " + dir.file("public.amdrr") + " > " + dir.file("raw") + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream raw_in(dir.file("raw"), std::ios::binary);
  std::vector<uint8_t> raw((std::istreambuf_iterator<char>(raw_in)),
                           std::istreambuf_iterator<char>());
  ASSERT_GT(raw.size(), 1000u);
  EXPECT_FALSE(contains(raw, needle));
  for (std::string secret_text :
       {std::string(testing::kSecretArg), std::string(testing::kSecretEnv),
        std::string("secret-host"), std::string("upload")}) {
    EXPECT_FALSE(contains(raw, std::vector<uint8_t>(secret_text.begin(), secret_text.end())))
        << secret_text;
  }

  std::ostringstream out;
  print_redact_summary(s, out);
  EXPECT_NE(out.str().find("still shows"), std::string::npos);
  EXPECT_NE(out.str().find("cannot show"), std::string::npos);
}

TEST(Redact, RedactedFaultCaptureStillReplaysToTheFault) {
  testing::TempDir dir;
  const std::string trace = testing::capture_sample("fault_vm", dir.path().string());
  RedactSummary s = redact_trace(trace, dir.file("public.amdrr"), {});
  ASSERT_TRUE(s.error.empty()) << s.error;
  EXPECT_GT(s.writes_redacted, 0u);
  replay::ReplayTraceOptions options;
  options.timeout_ms = 5000;
  replay::ReplayResult r = replay::replay_trace(dir.file("public.amdrr"), options);
  EXPECT_EQ(r.verdict, replay::Verdict::kGpuFault) << r.message;
  EXPECT_EQ(replay::verdict_exit_code(r.verdict), 2);
}

TEST(Redact, RedactedDispatchCaptureStillReplaysTheSame) {
  testing::TempDir dir;
  const std::string trace = testing::capture_sample("dispatch", dir.path().string());
  RedactSummary s = redact_trace(trace, dir.file("public.amdrr"), {});
  ASSERT_TRUE(s.error.empty()) << s.error;
  EXPECT_GT(s.bytes_redacted, 1000000u);  // the inputs
  replay::ReplayTraceOptions options;
  options.timeout_ms = 5000;
  replay::ReplayResult r = replay::replay_trace(dir.file("public.amdrr"), options);
  EXPECT_EQ(r.verdict, replay::Verdict::kSame) << r.message;
}

}  // namespace
}  // namespace amdrr::inspect
