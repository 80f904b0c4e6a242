#ifndef SHIKONG_CMOSQUITTO_SHIM_H
#define SHIKONG_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#include <poll.h>
#endif
