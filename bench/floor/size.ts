/** The size floor: React + WatermelonDB (LokiJS, sync) + Workbox window + Socket.IO client, nothing else. */
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { Database, Q } from '@nozbe/watermelondb';
import LokiJSAdapter from '@nozbe/watermelondb/adapters/lokijs';
import { synchronize } from '@nozbe/watermelondb/sync';
import { Workbox } from 'workbox-window';
import { io } from 'socket.io-client';

(window as unknown as Record<string, unknown>).__floor = { createElement, createRoot, Database, Q, LokiJSAdapter, synchronize, Workbox, io };
