#pragma once

#include <QObject>

// RequestReader's tests, split over two files: test_RequestReader.cpp (valid
// messages, framing, pipelining, CONNECT/Upgrade, finish, split points) and
// RequestReaderCases.cpp (every rejection rule with its status code).
class TestRequestReader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // test_RequestReader.cpp
    void accepts_data();
    void accepts();
    void splitAtEveryOffset_data();
    void splitAtEveryOffset();
    void rawHeadAndFieldsExact();
    void pipelinedStopsAfterEachMessage();
    void connectLeavesTunnelBytes();
    void connectThenAnotherRequest();
    void upgradeRequestCanContinue();
    void dataAfterConnectionClose();
    void finishBetweenMessages();
    void finishMidMessage_data();
    void finishMidMessage();
    void deadAfterFailure();
    void largeBodyInPieces();

    // RequestReaderCases.cpp
    void rejects_data();
    void rejects();
    void limits_data();
    void limits();
    void mutatedInputsGiveTheSameEventsHoweverCut();
};
