"""Checked uploads wait on disk per user, few and briefly, for any worker to confirm."""

import os
import time

import pytest

from arraigo.api.db import User
from arraigo.api.services.errors import Gone
from arraigo.api.services.pending import PER_USER, PendingUploads

ANA, LUIS = User(id=1, username="ana"), User(id=2, username="luis")
FILES = [("people.csv", b"person_id\nP1\n"), ("families.csv", b"family_id\nF1\n")]


def test_an_upload_checked_in_one_process_is_confirmed_in_another(tmp_path):
    key = PendingUploads(tmp_path).keep(ANA, FILES)
    other_worker = PendingUploads(tmp_path)
    assert other_worker.take(ANA, key) == FILES
    with pytest.raises(Gone):  # once
        other_worker.take(ANA, key)


def test_only_its_user_may_confirm_it_and_a_key_cannot_name_another_folder(tmp_path):
    pending = PendingUploads(tmp_path)
    key = pending.keep(ANA, FILES)
    for user, asked in ((LUIS, key), (ANA, f"../{LUIS.id}/{key}"), (ANA, "..")):
        with pytest.raises(Gone):
            pending.take(user, asked)
    assert pending.take(ANA, key) == FILES


def test_a_user_keeps_few_checks_and_none_for_long(tmp_path):
    pending = PendingUploads(tmp_path, seconds=60)
    keys = [pending.keep(ANA, FILES) for _ in range(PER_USER + 2)]
    assert len(list((tmp_path / "1").iterdir())) == PER_USER
    with pytest.raises(Gone):
        pending.take(ANA, keys[0])  # the oldest went
    last = tmp_path / "1" / keys[-1]
    an_hour_ago = time.time() - 3600
    os.utime(last, (an_hour_ago, an_hour_ago))
    with pytest.raises(Gone):
        pending.take(ANA, keys[-1])
    assert not last.exists()
