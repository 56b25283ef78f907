"""The layer check on the real tree, and proof on small trees that it catches each kind of
wrong-way include (so a broken checker cannot pass silently)."""
import os
import tempfile
import unittest

import check_layers

SRC = os.environ.get('CALLGATE_SOURCE_DIR',
                     os.path.join(os.path.dirname(__file__), '..', '..'))


def tree(files):
    root = tempfile.TemporaryDirectory()
    for rel, text in files.items():
        path = os.path.join(root.name, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)
    return root


class LayersTest(unittest.TestCase):
    def test_source_tree_keeps_the_rules(self):
        errors = check_layers.check_tree(os.path.join(SRC, 'src'))
        self.assertEqual(errors, [], '\n'.join(errors))

    def test_adapter_including_a_channel_is_named_with_file_and_line(self):
        with tree({'adapters/net/x.cc': '#include <string>\n#include "channels/web/y.h"\n',
                   'channels/web/y.h': ''}) as root:
            errors = check_layers.check_tree(root)
        self.assertEqual(len(errors), 1)
        self.assertTrue(errors[0].startswith('adapters/net/x.cc:2: '), errors[0])
        self.assertIn('adapters/ may not use channels/', errors[0])

    def test_each_forbidden_direction_is_caught(self):
        cases = {
            'common/a.h': '#include "core/b.h"\n',
            'core/a.h': '#include "functions/b.h"\n',
            'functions/a.cc': '#include "adapters/b.h"\n',
            'adapters/a.cc': '#include "functions/b.h"\n',
            'channels/a.cc': '#include "app/b.h"\n',
        }
        for rel, text in cases.items():
            with self.subTest(rel=rel), tree({rel: text}) as root:
                self.assertEqual(len(check_layers.check_tree(root)), 1)

    def test_allowed_directions_pass(self):
        files = {
            'core/a.h': '#include "common/b.h"\n#include <nlohmann/json.hpp>\n',
            'functions/a.cc': '#include "core/a.h"\n#include <spdlog/spdlog.h>\n',
            'adapters/a.cc': '#include "core/a.h"\n#include <boost/asio.hpp>\n',
            'channels/a.cc': '#include "adapters/a.h"\n#include "functions/a.h"\n',
            'app/a.cc': '#include "channels/a.h"\n',
        }
        with tree(files) as root:
            self.assertEqual(check_layers.check_tree(root), [])

    def test_core_and_common_take_no_framework_headers(self):
        with tree({'core/a.cc': '#include <sqlite3.h>\n',
                   'common/b.cc': '#include <sodium.h>\n#include <vector>\n'}) as root:
            errors = check_layers.check_tree(root)
        self.assertEqual(len(errors), 2, errors)


if __name__ == '__main__':
    unittest.main()
